/**
 * Statements that run for every filed message, built and compiled by kysely once per dialect
 * instead of at every run. kysely turns a builder chain into an operation tree and the tree into
 * SQL each time (5–15 µs and a few hundred short-lived objects per statement, for a filing of
 * about fifteen statements), though for a fixed shape only the parameters change.
 *
 * `prepareQuery(build)` builds the query the first time with stand-ins for its named values and
 * notes where each stand-in lands among the compiled parameters; later runs put the values in
 * those places and execute the compiled query. So `build` must give the same shape whatever the
 * values: no branches on them, no lists of varying length, no values transformed (JSON.stringify
 * them before). Branches on the dialect are fine: one compilation per dialect.
 */
import type { Compilable, CompiledQuery, Kysely, QueryResult, Transaction } from 'kysely';
import type { Database } from './database-schema.js';
import { isPostgres } from './store-dialect.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Where a value goes, in the query built once. */
class Stand {
  constructor(readonly key: string) {}
}

interface Shape<Row> {
  compiled: CompiledQuery<Row>;
  /** Per compiled parameter: the name of the value that fills it, or a constant of the query itself. */
  slots: readonly (string | { constant: unknown })[];
}

/** `build` reads its values from `v`; the function returned runs the query with the values given. */
export function prepareQuery<Values extends object, Row>(build: (db: Db, v: Values) => Compilable<Row>): (db: Db, values: Values) => Promise<QueryResult<Row>> {
  const shapes = new Map<'postgres' | 'sqlite', Shape<Row>>();
  const stands = new Proxy({}, { get: (_, key) => new Stand(String(key)) }) as Values;
  return (db, values) => {
    const dialect = isPostgres(db) ? 'postgres' : 'sqlite';
    let shape = shapes.get(dialect);
    if (!shape) {
      const compiled = build(db, stands).compile();
      const slots = compiled.parameters.map((parameter) => (parameter instanceof Stand ? parameter.key : { constant: parameter }));
      shape = { compiled, slots };
      shapes.set(dialect, shape);
    }
    // A value left undefined binds as null: the columns it fills are all written explicitly.
    const parameters = shape.slots.map((slot) => (typeof slot === 'string' ? ((values as Record<string, unknown>)[slot] ?? null) : slot.constant));
    return db.executeQuery({ ...shape.compiled, parameters });
  };
}
