import { render } from 'preact';
import { App } from './app.tsx';
import { loadPage } from './pages.ts';
import { currentRoute } from './route.ts';
import './styles.css';

// the page's chunk on its way before the shell renders (a failure shows in the page)
loadPage(currentRoute().page).catch(() => {});
render(<App />, document.getElementById('app') as HTMLElement);
