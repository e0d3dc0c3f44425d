import { mount } from '@vue/test-utils';
import { createAppI18n } from '../src/i18n';
import type { Locale } from '../src/shared/lang';

type Mountable = Parameters<typeof mount>[0];

/** Mounts a component with the app's i18n (English unless told). */
export function mountWithI18n(component: Mountable, props: Record<string, unknown>, locale: Locale = 'en') {
  return mount(component, { props, global: { plugins: [createAppI18n(locale)] }, attachTo: document.body });
}
