/**
 * Times every SQLite statement the gateway runs, by SQL text: load it into the gateway with
 *   GUICHET_NODE_FLAGS="--max-semi-space-size=4 --heap-growing-percent=100 --require ./bench/statement-times.cjs" npm run bench:filing -- …
 * and read <tmpdir>/guichet-statements-<pid>.txt when the gateway has stopped: total ms, calls
 * and µs per call of each statement, dearest first. Wall time inside better-sqlite3's call, so
 * a commit includes its WAL write. A diagnostic, not a benchmark: the wrapping costs its own µs.
 */
const { writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const Database = require(require.resolve('better-sqlite3', { paths: [process.cwd()] }));

const statementPrototype = Object.getPrototypeOf(new Database(':memory:').prepare('select 1'));
const times = new Map();
for (const method of ['run', 'get', 'all']) {
  const original = statementPrototype[method];
  statementPrototype[method] = function timed(...parameters) {
    const start = process.hrtime.bigint();
    try {
      return original.apply(this, parameters);
    } finally {
      const key = this.source.replace(/\s+/g, ' ').slice(0, 160);
      const entry = times.get(key) ?? { calls: 0, us: 0 };
      entry.calls += 1;
      entry.us += Number(process.hrtime.bigint() - start) / 1000;
      times.set(key, entry);
    }
  };
}

process.on('exit', () => {
  const rows = [...times]
    .sort((a, b) => b[1].us - a[1].us)
    .map(([sql, { calls, us }]) => `${(us / 1000).toFixed(0).padStart(7)} ms ${String(calls).padStart(8)} × ${(us / calls).toFixed(1).padStart(7)} µs  ${sql}`);
  writeFileSync(join(tmpdir(), `guichet-statements-${process.pid}.txt`), `${rows.join('\n')}\n`);
});
