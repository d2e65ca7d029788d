import { render } from 'preact';
import { App } from './app.tsx';
import './styles.css';

// the shell paints first; the page's chunk is asked for right after (App's effect), so its loading never holds the first paint
render(<App />, document.getElementById('app') as HTMLElement);
