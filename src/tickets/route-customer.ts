/**
 * What the configuration says about a customer: the first `customers[]` rule whose `match`
 * (an address, or a domain with its subdomains) fits the requester gives the plan, the account
 * manager who gets the ticket and the queue; otherwise the default plan and no assignment.
 */
import type { Config } from '../config/config-schema.js';

export interface CustomerRoute {
  plan: string | null;
  accountManager: string | null;
  queue: string | null;
}

export function routeCustomer(config: Pick<Config, 'customers' | 'defaultPlan'>, requester: string): CustomerRoute {
  const address = requester.toLowerCase();
  const domain = address.split('@')[1] ?? '';
  const rule = config.customers.find((candidate) => {
    const match = candidate.match.toLowerCase().replace(/^@/, '');
    return match.includes('@') ? match === address : domain === match || domain.endsWith(`.${match}`);
  });
  return { plan: rule?.plan ?? config.defaultPlan ?? null, accountManager: rule?.accountManager ?? null, queue: rule?.queue ?? null };
}
