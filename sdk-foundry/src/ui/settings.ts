import type { NpcVisibility } from '../collectors/characters-book.js';
import { MODULE_ID } from '../constants.js';
import type { PrivacyPolicy, RollPolicy } from '../lib/visibility.js';
import { DEFAULT_PRIVACY } from '../lib/visibility.js';

/** The collectors a GM can switch off. */
export const COLLECTORS = ['dice', 'characters', 'combat', 'inventory'] as const;
export type CollectorName = (typeof COLLECTORS)[number];

export const DEFAULT_SERVER_URL = 'http://localhost:3000';

export interface ModuleSettings {
  serverUrl(): string;
  enabled(collector: CollectorName): boolean;
  privacy(): PrivacyPolicy;
  npcVisibility(): NpcVisibility;
}

const collectorKey = (name: CollectorName) => `collect${name[0]?.toUpperCase()}${name.slice(1)}`;

/** Literal lang keys (the lang test finds every key used in the code by its text). */
const COLLECTOR_LABELS: Record<CollectorName, { name: string; hint: string }> = {
  dice: { name: 'TUMULTE.Settings.CollectDice.Name', hint: 'TUMULTE.Settings.CollectDice.Hint' },
  characters: { name: 'TUMULTE.Settings.CollectCharacters.Name', hint: 'TUMULTE.Settings.CollectCharacters.Hint' },
  combat: { name: 'TUMULTE.Settings.CollectCombat.Name', hint: 'TUMULTE.Settings.CollectCombat.Hint' },
  inventory: { name: 'TUMULTE.Settings.CollectInventory.Name', hint: 'TUMULTE.Settings.CollectInventory.Hint' },
};

/**
 * World settings (the GM edits them; players can read them, so nothing secret lives here: tokens are in the GM's
 * browser storage). `onChange` lets the running module reconfigure without a reload.
 */
export function registerSettings(settings: Foundry.Settings, onChange: () => void, menuType: unknown): void {
  settings.register(MODULE_ID, 'serverUrl', {
    name: 'TUMULTE.Settings.ServerUrl.Name',
    hint: 'TUMULTE.Settings.ServerUrl.Hint',
    scope: 'world',
    config: true,
    type: String,
    default: DEFAULT_SERVER_URL,
    onChange,
  });
  settings.registerMenu(MODULE_ID, 'pairing', {
    name: 'TUMULTE.Settings.Pairing.Name',
    label: 'TUMULTE.Settings.Pairing.Label',
    hint: 'TUMULTE.Settings.Pairing.Hint',
    icon: 'fa-solid fa-link',
    type: menuType,
    restricted: true,
  });
  for (const name of COLLECTORS) {
    settings.register(MODULE_ID, collectorKey(name), {
      name: COLLECTOR_LABELS[name].name,
      hint: COLLECTOR_LABELS[name].hint,
      scope: 'world',
      config: true,
      type: Boolean,
      default: true,
      onChange,
    });
  }
  settings.register(MODULE_ID, 'gmRolls', {
    name: 'TUMULTE.Settings.GmRolls.Name',
    hint: 'TUMULTE.Settings.GmRolls.Hint',
    scope: 'world',
    config: true,
    type: String,
    choices: {
      redacted: 'TUMULTE.Settings.Policy.redacted',
      full: 'TUMULTE.Settings.Policy.full',
      skip: 'TUMULTE.Settings.Policy.skip',
    },
    default: DEFAULT_PRIVACY.gm,
    onChange,
  });
  settings.register(MODULE_ID, 'hiddenRolls', {
    name: 'TUMULTE.Settings.HiddenRolls.Name',
    hint: 'TUMULTE.Settings.HiddenRolls.Hint',
    scope: 'world',
    config: true,
    type: String,
    choices: { skip: 'TUMULTE.Settings.Policy.skip', redacted: 'TUMULTE.Settings.Policy.redacted' },
    default: DEFAULT_PRIVACY.hidden,
    onChange,
  });
  settings.register(MODULE_ID, 'npcVisibility', {
    name: 'TUMULTE.Settings.NpcVisibility.Name',
    hint: 'TUMULTE.Settings.NpcVisibility.Hint',
    scope: 'world',
    config: true,
    type: String,
    choices: {
      none: 'TUMULTE.Settings.NpcVisibility.none',
      combat: 'TUMULTE.Settings.NpcVisibility.combat',
      all: 'TUMULTE.Settings.NpcVisibility.all',
    },
    default: 'none',
    onChange,
  });
}

/** Typed, defensive reads of the settings above. */
export function readSettings(settings: Foundry.Settings): ModuleSettings {
  const read = (key: string): unknown => {
    try {
      return settings.get(MODULE_ID, key);
    } catch {
      return undefined;
    }
  };
  const oneOf = <T extends string>(value: unknown, allowed: readonly T[], fallback: T): T =>
    allowed.includes(value as T) ? (value as T) : fallback;
  return {
    serverUrl: () => {
      const value = read('serverUrl');
      return typeof value === 'string' && value.trim() !== '' ? value.trim() : DEFAULT_SERVER_URL;
    },
    enabled: (name) => read(collectorKey(name)) !== false,
    privacy: () => ({
      gm: oneOf<RollPolicy>(read('gmRolls'), ['redacted', 'full', 'skip'], DEFAULT_PRIVACY.gm),
      hidden: oneOf<'redacted' | 'skip'>(read('hiddenRolls'), ['skip', 'redacted'], DEFAULT_PRIVACY.hidden),
    }),
    npcVisibility: () => oneOf<NpcVisibility>(read('npcVisibility'), ['none', 'combat', 'all'], 'none'),
  };
}
