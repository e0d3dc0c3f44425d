/**
 * The URL to load for a VTT image, or null to draw initials instead. VTT paths are often relative to the VTT's
 * own address (`systems/dnd5e/tokens/...`), which this page does not know unless an assets base is given.
 */
export function resolveImage(src: string | null | undefined, assetsBase: string | null): string | null {
  const path = src?.trim();
  if (!path) return null;
  if (/^data:image\/(png|jpe?g|gif|webp|avif);/i.test(path)) return path;
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return /^https?:\/\//i.test(path) ? path : null;
  if (path.startsWith('//')) return `https:${path}`;
  if (!assetsBase) return null;
  try {
    return new URL(path.replace(/^\/+/, ''), assetsBase).href;
  } catch {
    return null;
  }
}

/** Up to two initials of a name, for an image placeholder. */
export function initials(name: string): string {
  const words = name
    .trim()
    .split(/[\s\-_'’.]+/u)
    .filter((word) => word.length > 0);
  // The first letter, digit or emoji of each word: brackets and quotes are not initials ("Randal (Human
  // Fighter)" is RH, not R().
  const letters = words
    .map((word) => Array.from(word).find((char) => /[\p{L}\p{N}\p{Extended_Pictographic}]/u.test(char)) ?? '')
    .filter((letter) => letter !== '')
    .slice(0, 2)
    .join('');
  return letters.length > 0 ? letters.toLocaleUpperCase() : '?';
}
