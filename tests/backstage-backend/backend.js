// A real Backstage backend (catalog + scaffolder) for the Backstage source's tests, started by them on loopback:
//   node backend.js --config <app-config.yaml>
// The test writes the config (port, static token, the catalog-info.yaml location) and the entities; nothing here
// is specific to a test. Backstage's own log says "Plugin initialization complete" once it serves requests.
const { createBackend } = require('@backstage/backend-defaults');

const backend = createBackend();
backend.add(require('@backstage/plugin-catalog-backend'));
// Without it the catalog refuses Template entities (their kind is the scaffolder's).
backend.add(require('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'));
backend.add(require('@backstage/plugin-scaffolder-backend'));
// A guest sign-in, so a test can start scaffolder tasks as a user (tasks started with the static token have no requester).
backend.add(require('@backstage/plugin-auth-backend'));
backend.add(require('@backstage/plugin-auth-backend-module-guest-provider'));
backend.start();
