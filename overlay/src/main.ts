import { createApp } from 'vue';
import App from './App.vue';
import { createAppI18n } from './i18n';
import { detectLocale } from './shared/lang';
import './styles/base.css';

const i18n = createAppI18n(detectLocale(location.search, navigator.languages ?? [navigator.language]));
document.documentElement.lang = i18n.global.locale.value;
createApp(App).use(i18n).mount('#app');
