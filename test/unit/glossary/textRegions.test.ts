import assert from 'node:assert/strict';
import { allowedRanges, rangeAt, RegionCache } from '../../../src/glossary/textRegions';

/** The allowed pieces of text, in order. */
function pieces(languageId: string, text: string): string[] {
  return allowedRanges(languageId, text).map((r) => text.slice(r.start, r.end));
}

const allowed = (languageId: string, text: string, needle: string, nth = 0): boolean => {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `"${needle}" not in text`);
  return rangeAt(allowedRanges(languageId, text), at) !== undefined;
};

describe('text regions', () => {
  it('python: comments, strings and docstrings are allowed, code is not', () => {
    const text = [
      'def ppo_step(policy):  # one PPO update',
      '    """Runs RLHF step 3.',
      '    Uses the reward model."""',
      "    label = 'reward model'",
      '    return policy.reward_model(x)  # uses "quotes" inside',
    ].join('\n');
    assert.deepEqual(pieces('python', text), [
      ' one PPO update',
      'Runs RLHF step 3.\n    Uses the reward model.',
      'reward model',
      ' uses "quotes" inside',
    ]);
    assert.equal(allowed('python', text, 'ppo_step'), false);
    assert.equal(allowed('python', text, 'reward_model'), false);
  });

  it("python: a '#' inside a string is not a comment, an escaped quote does not end the string", () => {
    const text = 's = "not # a comment \\" still string" + x  # real';
    assert.deepEqual(pieces('python', text), ['not # a comment \\" still string', ' real']);
  });

  it('typescript: line and block comments, strings and template literals; regex literals are skipped', () => {
    const text = [
      '/** The PPO clip. */',
      'const re = /"[a-z]+"/g; // RLHF',
      'const s = `reward ${model}`;',
      'const ratio = a / b; const q = "x"; /* KL */',
    ].join('\n');
    assert.deepEqual(pieces('typescript', text), ['* The PPO clip. ', ' RLHF', 'reward ${model}', 'x', ' KL ']);
  });

  it('markdown: front matter, fenced code, code spans and link destinations are skipped', () => {
    const text = [
      '---',
      'title: RLHF',
      '---',
      'Prose about RLHF and `ppo_step` code.',
      '',
      '```python',
      '# RLHF in a fence',
      '```',
      'More [reward model](https://example.com/rlhf) prose.',
      '~~~',
      'tilde fence',
      '~~~',
      'End.',
    ].join('\n');
    assert.equal(allowed('markdown', text, 'RLHF', 0), false, 'front matter');
    assert.equal(allowed('markdown', text, 'RLHF', 1), true, 'prose');
    assert.equal(allowed('markdown', text, 'ppo_step'), false, 'code span');
    assert.equal(allowed('markdown', text, 'RLHF in a fence'), false, 'fence');
    assert.equal(allowed('markdown', text, 'reward model'), true, 'link text');
    assert.equal(allowed('markdown', text, 'example.com'), false, 'link destination');
    assert.equal(allowed('markdown', text, 'tilde fence'), false);
    assert.equal(allowed('markdown', text, 'End.'), true);
  });

  it('markdown: a lone backtick is literal, a code span does not cross a blank line, an unclosed fence runs to the end', () => {
    assert.equal(allowed('markdown', 'a ` b RLHF', 'RLHF'), true);
    assert.equal(allowed('markdown', 'a `b\n\nRLHF` c', 'RLHF'), true);
    assert.equal(allowed('markdown', 'a ``b ` RLHF`` c', 'RLHF'), false);
    assert.equal(allowed('markdown', 'x\n```\nRLHF', 'RLHF'), false);
  });

  it('plaintext, unknown languages and yaml: everything is allowed', () => {
    assert.deepEqual(allowedRanges('plaintext', 'ppo_step RLHF'), [{ start: 0, end: 13 }]);
    assert.deepEqual(allowedRanges('some-new-language', 'abc'), [{ start: 0, end: 3 }]);
    assert.deepEqual(allowedRanges('yaml', 'k: v'), [{ start: 0, end: 4 }]);
    assert.deepEqual(allowedRanges('plaintext', ''), []);
  });

  it('other code languages: shell "#", SQL "--", HTML text and comments', () => {
    assert.deepEqual(pieces('shellscript', 'echo $PPO # PPO here'), [' PPO here']);
    assert.deepEqual(pieces('sql', "select 1 -- RLHF\n/* KL */ 'x'"), [' RLHF', ' KL ', 'x']);
    assert.deepEqual(pieces('html', '<p class="RLHF">RLHF text</p><!-- note -->'), ['RLHF text', ' note ']);
  });

  it('rangeAt: binary search over sorted ranges, end exclusive', () => {
    const ranges = [{ start: 2, end: 5 }, { start: 10, end: 12 }, { start: 20, end: 30 }];
    assert.equal(rangeAt(ranges, 1), undefined);
    assert.equal(rangeAt(ranges, 2), ranges[0]);
    assert.equal(rangeAt(ranges, 5), undefined);
    assert.equal(rangeAt(ranges, 11), ranges[1]);
    assert.equal(rangeAt(ranges, 29), ranges[2]);
    assert.equal(rangeAt([], 0), undefined);
  });

  it('RegionCache: one scan per document version', () => {
    let reads = 0;
    const doc = { version: 1, languageId: 'python', getText: () => (reads++, '# RLHF') };
    const cache = new RegionCache();
    const first = cache.get(doc);
    assert.equal(cache.get(doc), first);
    assert.equal(reads, 1);
    doc.version = 2;
    cache.get(doc);
    assert.equal(reads, 2);
  });

  it('a 5,000-line python file: every string and comment of every line is found (speed: bench/regions.bench.ts)', () => {
    const line = 'x = compute("a", b)  # the reward model step\n';
    const text = line.repeat(5000);
    const ranges = allowedRanges('python', text);
    assert.equal(ranges.length, 10000);
    assert.equal(text.slice(ranges[9999].start, ranges[9999].end).trim(), 'the reward model step');
  });
});
