import { startPostgres } from '@tracing-demo/platform';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the run's PostgreSQL; use createDatabase() for a database of your own. */
    postgresAdminUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const postgres = await startPostgres();
  project.provide('postgresAdminUrl', postgres.url());
  return () => postgres.stop();
}
