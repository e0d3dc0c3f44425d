import type { Account, SessionInfo } from '@tumulte/schemas';
import { ref } from 'vue';
import { api } from '../shared/api';
import { errorCode } from '../shared/errors';

export const session = ref<SessionInfo | null>(null);
export const sessionError = ref<unknown>(null);

export async function loadSession(): Promise<void> {
  try {
    session.value = await api.session();
    sessionError.value = null;
  } catch (error) {
    sessionError.value = error;
  }
}

export function signedIn(account: Account): void {
  session.value = { account, setupRequired: false };
}

export async function logOut(): Promise<void> {
  try {
    await api.logout();
  } finally {
    session.value = { account: null, setupRequired: false };
  }
}

/** A page's API call failed: an ended session sends the streamer back to the login form. */
export function checkSession(error: unknown): void {
  if (errorCode(error) === 'UNAUTHORIZED' && session.value) {
    session.value = { account: null, setupRequired: session.value.setupRequired };
  }
}
