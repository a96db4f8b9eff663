// Dev-only entry: the fake extension first, then the real playground page.
import './fakeHost';
import '../../src/webview-ui/playground/main';
