#!/usr/bin/env node
// An example VTT module for Tumulte, in plain Node.js, written against the published contract only.
//
//   node examples/vtt-module/module.mjs --server http://127.0.0.1:3000 [--world my-world] [--stay]
//
// It pairs (printing the link the streamer opens in the dashboard), syncs a small world, sends rolls and
// combat turns, answers heartbeats, character queries and polls, then exits (or stays with --stay).
import { parseArgs } from 'node:util';
import { createPairing, waitForTokens } from './pairing.mjs';
import { VttSession } from './session.mjs';
import { createWorld } from './world.mjs';

const { values } = parseArgs({
  options: {
    server: { type: 'string', default: 'http://127.0.0.1:3000' },
    world: { type: 'string', default: 'example-world' },
    name: { type: 'string', default: 'The Example Campaign' },
    stay: { type: 'boolean', default: false },
  },
});
const serverUrl = values.server.replace(/\/$/, '');
const log = (message) => console.log(`[module] ${message}`);

const world = createWorld({ id: values.world, name: values.name });
const pairing = await createPairing({ world, moduleVersion: '1.0.0' });
console.log(`PAIRING_URL ${serverUrl}/pair#${pairing.token}`);
log(`open the link above in the Tumulte dashboard and check the code ${pairing.code}`);

const tokens = await waitForTokens(serverUrl, pairing);
log(`paired: connection ${tokens.connectionId}`);

const session = new VttSession({ serverUrl, credentials: { ...tokens, privateKey: pairing.privateKey }, world, log });
session.on('error', (error) => {
  log(`stopped: ${error.code ?? ''} ${error.message}`);
  process.exit(1);
});
session.on('revoked', () => process.exit(0));
session.connect();
await new Promise((resolve) => session.once('ready', resolve));

const [ayla, bram] = world.party;
session.enqueue('dice:roll', world.roll(ayla, { value: 20, bonus: 5 }));
session.enqueue('dice:roll', world.roll(bram, { value: 11, bonus: 6, rollType: 'check' }));
session.enqueue('dice:roll', world.roll(world.goblin, { value: 17, bonus: 4, visibility: 'gm' }));
session.enqueue('combat:start', world.startCombat());
for (let turn = 0; turn < 3; turn++) {
  const state = world.nextTurn();
  session.enqueue(state.turn === 0 ? 'combat:round' : 'combat:turn', state);
}
session.enqueue('character:update', world.hurt(bram, 5));
session.enqueue('combat:end', world.endCombat());
await session.drained();
log('all events acknowledged');
console.log('EXAMPLE_DONE');

if (!values.stay) {
  session.close();
  process.exit(0);
}
