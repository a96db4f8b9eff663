import assert from 'node:assert/strict';
import { format, pick, resolveLang, setLanguage, t } from '../../../src/core/l10n';

describe('l10n', () => {
  afterEach(() => setLanguage('en', {}));

  it('t: returns the English key in English and the bundle entry in Chinese', () => {
    setLanguage('zh-cn', { 'Open lecture': '打开讲义' });
    assert.equal(t('Open lecture'), '打开讲义');
    setLanguage('en', { 'Open lecture': '打开讲义' });
    assert.equal(t('Open lecture'), 'Open lecture');
  });

  it('t: fills positional placeholders after translating', () => {
    setLanguage('zh-cn', { '{0} of {1} read': '已读 {0}/{1}' });
    assert.equal(t('{0} of {1} read', 3, 35), '已读 3/35');
  });

  it('format: leaves unknown placeholders alone', () => {
    assert.equal(format('{a} and {b}', { a: 1 }), '1 and {b}');
  });

  it('pick: falls back to English when Chinese is missing', () => {
    assert.equal(pick({ en: 'x' }, 'zh-cn'), 'x');
    assert.equal(pick({ en: 'x', 'zh-cn': '叉' }, 'zh-cn'), '叉');
  });

  it('resolveLang: the setting wins, auto follows the display language', () => {
    assert.equal(resolveLang('en', 'zh-cn'), 'en');
    assert.equal(resolveLang('auto', 'zh-cn'), 'zh-cn');
    assert.equal(resolveLang('auto', 'zh-CN'), 'zh-cn');
    assert.equal(resolveLang('auto', 'zh-tw'), 'en');
    assert.equal(resolveLang('auto', 'en-us'), 'en');
    assert.equal(resolveLang(undefined, 'fr'), 'en');
  });
});
