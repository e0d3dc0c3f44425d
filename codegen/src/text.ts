// Small text helpers shared by the emitters.

/** A JSDoc block for `text`, or nothing. */
export function jsDoc(text: string | null | undefined, indent = ''): string {
  if (!text?.trim()) return '';
  const lines = text.trim().replace(/\*\//g, '*\\/').split('\n');
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} * ${line}`.trimEnd()).join('\n')}\n${indent} */\n`;
}

/** `vtt` → `Vtt`, `overlay` → `Overlay`. */
export const pascal = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** `dice:roll` → `dice-roll`, the file name of an event's schema. */
export const eventFileName = (eventName: string): string => eventName.replace(/:/g, '-');
