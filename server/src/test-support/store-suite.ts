// The store test suite, run against SQLite (sqlite-store.test.ts) and PostgreSQL (pg-store.test.ts).
import { type EventAck, ProtocolError, VTT_EVENTS } from '@tumulte/schemas';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, createApiToken } from '../accounts/accounts.js';
import { hashToken } from '../auth/secrets.js';
import { applyInboundEvent, type InboundEvent, readGameState } from '../game/apply-event.js';
import type { Store } from '../store/store.js';
import { WriteBatcher } from '../store/write-batcher.js';
import {
  campaignSync,
  characterDelete,
  characterUpdate,
  combatEnd,
  combatState,
  d20Roll,
  diceRoll,
  goblin,
  inventoryUpdate,
  longsword,
  lurkerCombatant,
  oneOfEach,
  potion,
  potionUsed,
  randal,
  randalCombatant,
  T0,
} from './fixtures.js';
import { seedConnection } from './seed.js';

export interface StoreHarness {
  readonly store: Store;
  cleanup(): Promise<void>;
}

const ev = <E extends InboundEvent['name']>(name: E, payload: Extract<InboundEvent, { name: E }>['payload']) =>
  ({ name, payload }) as InboundEvent;

export function describeStoreSuite(label: string, open: () => Promise<StoreHarness>): void {
  describe(`store on ${label}`, () => {
    let harness: StoreHarness;
    let store: Store;

    beforeAll(async () => {
      harness = await open();
      store = harness.store;
    });
    afterAll(async () => {
      await harness?.cleanup();
    });

    const apply = (connectionId: string, event: InboundEvent, at = Date.now()) =>
      store.transaction((tx) => applyInboundEvent(tx, connectionId, event, at));
    const state = (connectionId: string) => store.transaction((tx) => readGameState(tx, connectionId));

    it('answers ping and migrates twice without harm', async () => {
      expect(await store.ping()).toBe(true);
      await store.migrate();
      expect(await store.ping()).toBe(true);
    });

    it('inserts a setting only once', async () => {
      const key = `key-${ulid()}`;
      const [first, second] = await Promise.all([
        store.transaction((tx) => tx.insertSettingIfAbsent(key, 'a')),
        store.transaction((tx) => tx.insertSettingIfAbsent(key, 'b')),
      ]);
      expect([first, second].filter(Boolean)).toHaveLength(1);
      const value = await store.transaction((tx) => tx.getSetting(key));
      expect(value).toBe(first ? 'a' : 'b');
    });

    it('keeps accounts and finds an API token by its hash only', async () => {
      const { account, token } = await store.transaction(async (tx) => {
        const account = await createAccount(tx, { username: `alice_${ulid().slice(-6)}`, role: 'owner' });
        return { account, token: await createApiToken(tx, account.id, 'api', 'test') };
      });
      const found = await store.transaction((tx) => tx.findApiTokenByHash(hashToken(token)));
      expect(found?.accountId).toBe(account.id);
      expect(found?.tokenHash).not.toContain(token);
      expect(await store.transaction((tx) => tx.findApiTokenByHash(token))).toBeNull();
      const byName = await store.transaction((tx) => tx.getAccountByUsername(account.username));
      expect(byName).toEqual(account);
    });

    it('refuses a second account with the same username', async () => {
      const username = `bob_${ulid().slice(-6)}`;
      await store.transaction((tx) => createAccount(tx, { username, role: 'streamer' }));
      await expect(store.transaction((tx) => createAccount(tx, { username, role: 'streamer' }))).rejects.toThrow();
    });

    it('rolls a failed transaction back entirely', async () => {
      const username = `carol_${ulid().slice(-6)}`;
      await expect(
        store.transaction(async (tx) => {
          await createAccount(tx, { username, role: 'streamer' });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.transaction((tx) => tx.getAccountByUsername(username))).toBeNull();
    });

    it('rolls a failed savepoint back and keeps the rest of the transaction', async () => {
      const kept = `dave_${ulid().slice(-6)}`;
      const undone = `erin_${ulid().slice(-6)}`;
      await store.transaction(async (tx) => {
        await createAccount(tx, { username: kept, role: 'streamer' });
        await tx
          .savepoint(async (sp) => {
            await createAccount(sp, { username: undone, role: 'streamer' });
            throw new Error('undo me');
          })
          .catch(() => undefined);
      });
      expect(await store.transaction((tx) => tx.getAccountByUsername(kept))).not.toBeNull();
      expect(await store.transaction((tx) => tx.getAccountByUsername(undone))).toBeNull();
    });

    it('records a pairing jti once and delivers its tokens once', async () => {
      const { account, connection } = await seedConnection(store);
      const jti = `jti-${ulid()}`;
      const request = {
        jti,
        accountId: account.id,
        connectionId: connection.id,
        algorithm: 'HS256' as const,
        keyThumbprint: null,
        status: 'confirmed' as const,
        expiresAt: Date.now() + 60_000,
        createdAt: Date.now(),
        deliveredAt: null,
      };
      expect(await store.transaction((tx) => tx.insertPairingRequest(request))).toBe(true);
      expect(await store.transaction((tx) => tx.insertPairingRequest(request))).toBe(false);
      const results = await Promise.all([
        store.transaction((tx) => tx.markPairingDelivered(jti, Date.now())),
        store.transaction((tx) => tx.markPairingDelivered(jti, Date.now())),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store.transaction((tx) => tx.getPairingRequest(jti)))?.status).toBe('delivered');
    });

    it('marks a refresh token used once', async () => {
      const { connection } = await seedConnection(store);
      const tokenHash = hashToken(`tmr_${ulid()}`);
      await store.transaction((tx) =>
        tx.insertRefreshToken({ tokenHash, connectionId: connection.id, createdAt: Date.now(), usedAt: null }),
      );
      const results = await Promise.all([
        store.transaction((tx) => tx.markRefreshTokenUsed(tokenHash, Date.now())),
        store.transaction((tx) => tx.markRefreshTokenUsed(tokenHash, Date.now())),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('lists an account’s connections, revokes once and records heartbeats', async () => {
      const { account, connection } = await seedConnection(store);
      expect((await store.transaction((tx) => tx.listConnections(account.id))).map((c) => c.id)).toEqual([
        connection.id,
      ]);
      await store.transaction((tx) => tx.recordHeartbeat(connection.id, T0, 12.5, 3));
      const seen = await store.transaction((tx) => tx.getConnection(connection.id));
      expect(seen).toMatchObject({ lastSeenAt: T0, latencyMs: 12.5, queuedEvents: 3 });
      expect(await store.transaction((tx) => tx.revokeConnection(connection.id, 'revoked_by_user', T0))).toBe(true);
      expect(await store.transaction((tx) => tx.revokeConnection(connection.id, 'refresh_reuse', T0))).toBe(false);
      expect((await store.transaction((tx) => tx.getConnection(connection.id)))?.revokeReason).toBe('revoked_by_user');
    });

    it('gives sequence numbers that only grow, per world', async () => {
      const a = await seedConnection(store);
      const b = await seedConnection(store);
      const seqs = await Promise.all(
        Array.from({ length: 20 }, () => store.transaction((tx) => tx.nextSeq(a.connection.id))),
      );
      expect(new Set(seqs).size).toBe(20);
      expect(Math.max(...seqs)).toBe(20);
      expect(await store.transaction((tx) => tx.nextSeq(b.connection.id))).toBe(1);
    });

    describe('inbound events', () => {
      it('stores every kind of event and gives overlay-visible ones a sequence number', async () => {
        const { connection } = await seedConnection(store);
        const events = oneOfEach();
        const acks: Record<string, EventAck> = {};
        for (const [name, payload] of Object.entries(events)) {
          acks[name] = (await apply(connection.id, { name, payload } as InboundEvent)).ack;
        }
        for (const [name, payload] of Object.entries(events)) {
          expect(acks[name], name).toMatchObject({ ok: true, duplicate: false });
          const stored = await store.transaction((tx) => tx.getInboundEvent(connection.id, payload.eventId));
          expect(stored, name).toMatchObject({ eventName: name, eventId: payload.eventId, outcome: 'applied' });
          expect(stored?.payload, name).toEqual(payload);
        }
        const seqs = Object.values(acks).map((ack) => (ack.ok ? ack.seq : undefined));
        expect(seqs.every((seq) => typeof seq === 'number')).toBe(true);
        expect(seqs).toEqual([...seqs].sort((x = 0, y = 0) => x - y));

        const game = await state(connection.id);
        // campaign:sync listed Randal and the goblin, then the goblin was deleted and Randal updated.
        expect(game.characters.map((c) => c.name)).toEqual(['Randal']);
        expect(game.characters[0]?.stats.hp.current).toBe(9);
        expect(game.characters[0]?.inventory).toEqual([longsword, { ...potion, quantity: 1 }]);
        // The combat ended last.
        expect(game.combat).toBeNull();
        const roll = await store.transaction((tx) => tx.getDiceRoll(connection.id, events[VTT_EVENTS.diceRoll].rollId));
        expect(roll).toMatchObject({ criticalKind: 'success', criticalSource: 'natural', criticalByServer: true });
        expect(roll?.result).toEqual(events[VTT_EVENTS.diceRoll].result);
        expect(roll?.character).toEqual(events[VTT_EVENTS.diceRoll].character);
        const log = await store.transaction((tx) => tx.listOverlayEvents(connection.id, 0, 100));
        expect(log.map((row) => row.seq)).toEqual(seqs);
      });

      it('acknowledges a replay as a duplicate with the same seq and stores nothing twice', async () => {
        const { connection } = await seedConnection(store);
        const roll = d20Roll(14);
        const first = await apply(connection.id, ev(VTT_EVENTS.diceRoll, roll));
        const replay = await apply(connection.id, ev(VTT_EVENTS.diceRoll, roll));
        expect(first.ack).toEqual({ ok: true, duplicate: false, seq: 1 });
        expect(replay.ack).toEqual({ ok: true, duplicate: true, seq: 1 });
        expect(replay.overlayEvents).toEqual([]);
        expect(await store.transaction((tx) => tx.listRecentDiceRolls(connection.id, 10))).toHaveLength(1);
        expect(await store.transaction((tx) => tx.listOverlayEvents(connection.id, 0, 10))).toHaveLength(1);
        // The same roll under a new eventId is the same roll.
        const resent = await apply(connection.id, ev(VTT_EVENTS.diceRoll, { ...roll, eventId: ulid() }));
        expect(resent.ack).toEqual({ ok: true, duplicate: true, seq: 1 });
        expect(await store.transaction((tx) => tx.listRecentDiceRolls(connection.id, 10))).toHaveLength(1);
      });

      it('keeps the newest character state whatever order updates arrive in', async () => {
        const { connection } = await seedConnection(store);
        const newer = characterUpdate(randal(4), T0 + 2_000);
        const older = characterUpdate(randal(11), T0 + 1_000);
        expect((await apply(connection.id, ev(VTT_EVENTS.characterUpdate, newer))).ack.seq).toBe(1);
        const stale = await apply(connection.id, ev(VTT_EVENTS.characterUpdate, older));
        expect(stale.ack).toEqual({ ok: true, duplicate: false });
        expect(stale.overlayEvents).toEqual([]);
        expect((await state(connection.id)).characters[0]?.stats.hp.current).toBe(4);
        const stored = await store.transaction((tx) => tx.getInboundEvent(connection.id, older.eventId));
        expect(stored?.outcome).toBe('stale');
      });

      it('does not let an older update resurrect a deleted character', async () => {
        const { connection } = await seedConnection(store);
        await apply(connection.id, ev(VTT_EVENTS.characterUpdate, characterUpdate(goblin(), T0)));
        await apply(connection.id, ev(VTT_EVENTS.characterDelete, characterDelete(goblin().vttCharacterId, T0 + 10)));
        await apply(connection.id, ev(VTT_EVENTS.characterUpdate, characterUpdate(goblin(2), T0 + 5)));
        expect((await state(connection.id)).characters).toEqual([]);
        // A newer update brings it back (the GM re-shared it).
        await apply(connection.id, ev(VTT_EVENTS.characterUpdate, characterUpdate(goblin(1), T0 + 20)));
        expect((await state(connection.id)).characters.map((c) => c.stats.hp.current)).toEqual([1]);
      });

      it('keeps a newer inventory when an older character update arrives', async () => {
        const { connection } = await seedConnection(store);
        await apply(connection.id, ev(VTT_EVENTS.characterUpdate, characterUpdate(randal(12), T0)));
        await apply(connection.id, ev(VTT_EVENTS.inventoryUpdate, inventoryUpdate([longsword], T0 + 20)));
        await apply(connection.id, ev(VTT_EVENTS.characterUpdate, characterUpdate(randal(8), T0 + 10)));
        const [character] = (await state(connection.id)).characters;
        expect(character?.stats.hp.current).toBe(8);
        expect(character?.inventory).toEqual([longsword]);
        await apply(connection.id, ev(VTT_EVENTS.inventoryItemUsed, potionUsed(T0 + 5)));
        expect((await state(connection.id)).characters[0]?.inventory).toEqual([longsword]);
      });

      it('keeps combats by timestamp, hides hidden combatants from overlays and ends them', async () => {
        const { connection } = await seedConnection(store);
        const start = combatState(1, 2, [randalCombatant, goblinCombatantCopy(), lurkerCombatant], T0);
        const started = await apply(connection.id, ev(VTT_EVENTS.combatStart, start));
        expect(started.overlayEvents[0]?.event).toBe('combat:update');
        expect(started.overlayEvents[0]?.payload).toMatchObject({
          combat: { currentCombatantId: null, turn: null, combatants: [{ name: 'Randal' }, { name: 'Goblin' }] },
        });
        await apply(connection.id, ev(VTT_EVENTS.combatRound, combatState(3, 0, undefined, T0 + 300)));
        await apply(connection.id, ev(VTT_EVENTS.combatTurn, combatState(2, 1, undefined, T0 + 200)));
        expect((await state(connection.id)).combat?.round).toBe(3);
        await apply(connection.id, ev(VTT_EVENTS.combatEnd, combatEnd(T0 + 400)));
        await apply(connection.id, ev(VTT_EVENTS.combatUpdate, combatState(3, 1, undefined, T0 + 350)));
        expect((await state(connection.id)).combat).toBeNull();
      });

      it('replaces characters and combat on campaign:sync', async () => {
        const { connection } = await seedConnection(store);
        await apply(connection.id, ev(VTT_EVENTS.characterUpdate, characterUpdate(goblin(), T0)));
        await apply(connection.id, ev(VTT_EVENTS.combatStart, combatState(1, 0, undefined, T0)));
        const sync = campaignSync([randal(10)], null, T0 + 100);
        const synced = await apply(connection.id, ev(VTT_EVENTS.campaignSync, sync));
        expect(synced.overlayEvents.map((row) => [row.event, row.payload])).toEqual([['overlay:state', null]]);
        const game = await state(connection.id);
        expect(game.characters.map((c) => c.name)).toEqual(['Randal']);
        expect(game.combat).toBeNull();
        const stored = await store.transaction((tx) => tx.getConnection(connection.id));
        expect(stored).toMatchObject({ systemId: 'dnd5e', vttName: 'foundry', vttVersion: '13.348' });
      });

      it('stores private and redacted rolls without giving overlays anything', async () => {
        const { connection } = await seedConnection(store);
        for (const visibility of ['gm', 'blind', 'self'] as const) {
          const applied = await apply(connection.id, ev(VTT_EVENTS.diceRoll, d20Roll(20, { visibility })));
          expect(applied.ack).toEqual({ ok: true, duplicate: false });
        }
        const redacted = diceRoll({ result: null, visibility: 'public' });
        expect((await apply(connection.id, ev(VTT_EVENTS.diceRoll, redacted))).ack).toEqual({
          ok: true,
          duplicate: false,
        });
        expect(await store.transaction((tx) => tx.listRecentDiceRolls(connection.id, 10))).toHaveLength(4);
        expect(await store.transaction((tx) => tx.listOverlayEvents(connection.id, 0, 10))).toEqual([]);
      });

      it('refuses an event for another world or a revoked connection and stores nothing', async () => {
        const { connection } = await seedConnection(store);
        const foreign = { ...characterUpdate(randal()), worldId: 'another-world' };
        await expect(apply(connection.id, ev(VTT_EVENTS.characterUpdate, foreign))).rejects.toMatchObject({
          code: 'FORBIDDEN',
        });
        expect(await store.transaction((tx) => tx.getInboundEvent(connection.id, foreign.eventId))).toBeNull();
        await store.transaction((tx) => tx.revokeConnection(connection.id, 'revoked_by_user', Date.now()));
        const update = characterUpdate(randal());
        await expect(apply(connection.id, ev(VTT_EVENTS.characterUpdate, update))).rejects.toBeInstanceOf(
          ProtocolError,
        );
        expect((await state(connection.id)).characters).toEqual([]);
      });

      it('lists the overlay log after a sequence number', async () => {
        const { connection } = await seedConnection(store);
        for (let i = 0; i < 5; i++) await apply(connection.id, ev(VTT_EVENTS.diceRoll, d20Roll(10 + i)));
        const after = await store.transaction((tx) => tx.listOverlayEvents(connection.id, 3, 10));
        expect(after.map((row) => row.seq)).toEqual([4, 5]);
        expect(after[0]?.payload).toMatchObject({ seq: 4, roll: { result: { total: 18 } } });
      });
    });

    describe('overlay links and polls', () => {
      it('finds an overlay link by its token hash and revokes it once', async () => {
        const { account, connection } = await seedConnection(store);
        const link = {
          id: ulid(),
          accountId: account.id,
          connectionId: connection.id,
          label: 'Main scene',
          tokenHash: hashToken(`tmv_${ulid()}`),
          createdAt: T0,
          revokedAt: null,
        };
        await store.transaction((tx) => tx.insertOverlayLink(link));
        expect(await store.transaction((tx) => tx.findOverlayLinkByHash(link.tokenHash))).toEqual(link);
        expect(await store.transaction((tx) => tx.listOverlayLinks(account.id))).toEqual([link]);
        expect(await store.transaction((tx) => tx.revokeOverlayLink(link.id, T0 + 1))).toBe(true);
        expect(await store.transaction((tx) => tx.revokeOverlayLink(link.id, T0 + 2))).toBe(false);
        expect((await store.transaction((tx) => tx.getOverlayLink(link.id)))?.revokedAt).toBe(T0 + 1);
      });

      it('moves a poll through its states once each, counts one vote per viewer', async () => {
        const { account, connection } = await seedConnection(store);
        const poll = {
          id: ulid(),
          accountId: account.id,
          connectionId: connection.id,
          question: 'Which door do we open?',
          options: [
            { id: 'a', label: 'The red door' },
            { id: 'b', label: 'The blue door' },
          ],
          status: 'draft' as const,
          durationSeconds: 60,
          createdAt: T0,
          startedAt: null,
          endsAt: null,
          endedAt: null,
          endReason: null,
          winners: null,
        };
        await store.transaction((tx) => tx.insertPoll(poll));
        expect(await store.transaction((tx) => tx.latestShownPoll(connection.id))).toBeNull();
        const start = { status: 'running' as const, startedAt: T0, endsAt: T0 + 60_000 };
        const starts = await Promise.all([
          store.transaction((tx) => tx.transitionPoll(poll.id, 'draft', start)),
          store.transaction((tx) => tx.transitionPoll(poll.id, 'draft', start)),
        ]);
        expect(starts.filter(Boolean)).toHaveLength(1);
        expect((await store.transaction((tx) => tx.listRunningPolls())).map((p) => p.id)).toContain(poll.id);
        expect((await store.transaction((tx) => tx.latestShownPoll(connection.id)))?.id).toBe(poll.id);

        const vote = (viewerId: string, optionId: string) =>
          store.transaction((tx) => tx.insertVote({ pollId: poll.id, viewerId, optionId, createdAt: T0 }));
        expect(await vote('viewer-1', 'a')).toBe(true);
        expect(await vote('viewer-2', 'a')).toBe(true);
        expect(await vote('viewer-3', 'b')).toBe(true);
        expect(await vote('viewer-1', 'b')).toBe(false);
        expect(await store.transaction((tx) => tx.countVotes(poll.id))).toEqual({ a: 2, b: 1 });
        expect((await store.transaction((tx) => tx.getVote(poll.id, 'viewer-1')))?.optionId).toBe('a');

        const close = { status: 'closed' as const, endedAt: T0 + 1, endReason: 'manual' as const, winners: ['a'] };
        expect(await store.transaction((tx) => tx.transitionPoll(poll.id, 'running', close))).toBe(true);
        expect(await store.transaction((tx) => tx.transitionPoll(poll.id, 'running', close))).toBe(false);
        const closed = await store.transaction((tx) => tx.getPoll(poll.id));
        expect(closed).toMatchObject({ status: 'closed', winners: ['a'], endReason: 'manual' });
        expect(closed?.options).toEqual(poll.options);
        expect((await store.transaction((tx) => tx.listPolls(account.id))).map((p) => p.id)).toEqual([poll.id]);
      });
    });

    describe('write batcher', () => {
      it('commits a burst in few transactions and acknowledges each event after the commit', async () => {
        const { connection } = await seedConnection(store);
        const batches: number[] = [];
        const batcher = new WriteBatcher(store, { onBatch: (size) => batches.push(size) });
        const rolls = Array.from({ length: 50 }, (_, i) => d20Roll((i % 20) + 1));
        const acks = await Promise.all(
          rolls.map((roll) => batcher.submit(connection.id, ev(VTT_EVENTS.diceRoll, roll))),
        );
        expect(acks.map((ack) => (ack.ok ? ack.seq : null))).toEqual(rolls.map((_, i) => i + 1));
        expect(batches.reduce((a, b) => a + b, 0)).toBe(50);
        expect(batches.length).toBeLessThan(50);
        expect(await store.transaction((tx) => tx.listRecentDiceRolls(connection.id, 100))).toHaveLength(50);
      });

      it('answers a bad event with its error and still commits its neighbours', async () => {
        const { connection } = await seedConnection(store);
        const batcher = new WriteBatcher(store);
        const good1 = d20Roll(3);
        const bad = { ...d20Roll(4), worldId: 'elsewhere' };
        const good2 = d20Roll(5);
        const acks = await Promise.all(
          [good1, bad, good2].map((roll) => batcher.submit(connection.id, ev(VTT_EVENTS.diceRoll, roll))),
        );
        expect(acks[0]).toMatchObject({ ok: true });
        expect(acks[1]).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
        expect(acks[2]).toMatchObject({ ok: true });
        const rolls = await store.transaction((tx) => tx.listRecentDiceRolls(connection.id, 10));
        expect(rolls.map((r) => r.eventId).sort()).toEqual([good1.eventId, good2.eventId].sort());
      });
    });
  });
}

function goblinCombatantCopy() {
  return {
    id: 'cbt0000000000002',
    characterId: 'gob1inAAAAAAAAAA',
    name: 'Goblin',
    img: null,
    initiative: 12,
    isDefeated: false,
    isNPC: true,
    isHidden: false,
  };
}
