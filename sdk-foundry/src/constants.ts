/** The Foundry module id (module.json `id`); namespace of settings, storage keys and lang keys' owner. */
export const MODULE_ID = 'tumulte-integration';
/** Prefix of every lang key of the module (lang/en.json and lang/fr.json). */
export const LANG_PREFIX = 'TUMULTE';
/** Stamped by the build from package.json (see vite.config.ts); tests run from source and see "dev". */
export const MODULE_VERSION: string = typeof __MODULE_VERSION__ === 'string' ? __MODULE_VERSION__ : '0.0.0-dev';
/** The template folder as Foundry serves it. */
export const TEMPLATE_ROOT = `modules/${MODULE_ID}/templates`;

declare const __MODULE_VERSION__: string | undefined;
