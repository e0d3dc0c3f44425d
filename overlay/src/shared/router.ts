import { readonly, ref } from 'vue';

// A tiny history router: the app has a handful of pages, so a dependency would cost more than it gives.
export type Route =
  | { readonly name: 'overlay'; readonly token: string }
  | { readonly name: 'vote'; readonly pollId: string }
  | { readonly name: 'setup' }
  | { readonly name: 'login' }
  | { readonly name: 'home' }
  | { readonly name: 'pair' }
  | { readonly name: 'overlays' }
  | { readonly name: 'polls' }
  | { readonly name: 'notFound' };

export type DashboardRouteName = 'home' | 'pair' | 'overlays' | 'polls';

const STATIC_ROUTES: Readonly<Record<string, Route>> = {
  '/': { name: 'home' },
  '/connections': { name: 'home' },
  '/setup': { name: 'setup' },
  '/login': { name: 'login' },
  '/pair': { name: 'pair' },
  '/overlays': { name: 'overlays' },
  '/polls': { name: 'polls' },
};

function decodeSegment(segment: string): string | null {
  try {
    const value = decodeURIComponent(segment);
    return value.length > 0 ? value : null;
  } catch {
    return null;
  }
}

/** The route of a path (`/overlay/<token>`, `/vote/<pollId>`, dashboard pages). */
export function matchRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  const fixed = STATIC_ROUTES[path];
  if (fixed) return fixed;
  const dynamic = /^\/(overlay|vote)\/([^/]+)$/.exec(path);
  const value = dynamic?.[2] === undefined ? null : decodeSegment(dynamic[2]);
  if (dynamic && value !== null) {
    return dynamic[1] === 'overlay' ? { name: 'overlay', token: value } : { name: 'vote', pollId: value };
  }
  return { name: 'notFound' };
}

const current = ref<Route>(matchRoute(typeof location === 'undefined' ? '/' : location.pathname));

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => {
    current.value = matchRoute(location.pathname);
  });
}

export const route = readonly(current);

/** Goes to `path` (same origin) without reloading; `replace` keeps the history entry count. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const url = new URL(path, location.href);
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  current.value = matchRoute(url.pathname);
}
