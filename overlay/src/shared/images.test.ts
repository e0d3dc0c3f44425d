import { describe, expect, it } from 'vitest';
import { initials, resolveImage } from './images';

describe('VTT images', () => {
  it('loads absolute http(s) URLs and image data URIs', () => {
    expect(resolveImage('https://cdn.example.com/a.webp', null)).toBe('https://cdn.example.com/a.webp');
    expect(resolveImage('data:image/png;base64,AAAA', null)).toBe('data:image/png;base64,AAAA');
  });

  it('draws initials for relative VTT paths unless an assets base is known', () => {
    expect(resolveImage('systems/dnd5e/tokens/heroes/FighterRandal.webp', null)).toBeNull();
    expect(resolveImage('systems/dnd5e/a.webp', 'https://vtt.example.com/')).toBe(
      'https://vtt.example.com/systems/dnd5e/a.webp',
    );
    expect(resolveImage('/worlds/x/a.png', 'https://vtt.example.com/game/')).toBe(
      'https://vtt.example.com/game/worlds/x/a.png',
    );
  });

  it('refuses other schemes and empty values', () => {
    expect(resolveImage('javascript:alert(1)', 'https://vtt.example.com/')).toBeNull();
    expect(resolveImage('data:text/html,<b>x</b>', null)).toBeNull();
    expect(resolveImage('', null)).toBeNull();
    expect(resolveImage(null, null)).toBeNull();
  });

  it('makes up to two initials', () => {
    expect(initials('Randal')).toBe('R');
    expect(initials('lady  morgana le fay')).toBe('LM');
    expect(initials("D'Artagnan")).toBe('DA');
    expect(initials('   ')).toBe('?');
    expect(initials('<img src=x>')).toBe('IS');
  });

  it('skips brackets and punctuation: the dnd5e premades are named "Randal (Human Fighter)"', () => {
    expect(initials('Randal (Human Fighter)')).toBe('RH');
    expect(initials('"Zanna" (Gnome Wizard)')).toBe('ZG');
    expect(initials('(( ))')).toBe('?');
    expect(initials('🐉 Smaug')).toBe('🐉S');
  });
});
