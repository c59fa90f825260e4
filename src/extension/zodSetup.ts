// Imported first by the extension host bundle. zod compiles object parsers with `new Function` when
// it decides eval is allowed, and to decide it reads the global `navigator`. From VS Code 1.117 on
// (Node 22) the extension host turns any read of `navigator` into a logged PendingMigrationError, so
// the host uses zod's interpreted parsers: the messages it validates are small.
import { config } from 'zod';

config({ jitless: true });
