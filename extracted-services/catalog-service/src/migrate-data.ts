/** Entry point of `npm run migrate-data -w catalog-service -- --from … --to …`. */
import { runMigrateData } from './data-migration/cli.ts';

process.exitCode = await runMigrateData(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.env.INIT_CWD ?? process.cwd(),
  env: process.env,
});
