// The second half of `npm run build`: after tsc has compiled the project into dist/, bundles the
// compiled workflows into dist/workflow-bundle.js, which `node dist/worker/main.js` (the Docker
// image) loads instead of bundling at every start (worker/workflow-bundle.ts).
import { writeBuiltBundle } from '../worker/workflow-bundle';

writeBuiltBundle().catch((err: unknown) => {
  console.error('could not bundle the workflow code:', err);
  process.exit(1);
});
