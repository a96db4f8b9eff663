import assert from 'node:assert/strict';
import { searchLecture } from '../../../src/lecture/lectureSearch';
import type { CompiledLecture } from '../../../src/lecture/lectureTypes';

const section = (id: string, title: string, text: string, order: number) => ({
  id, title, text, order, part: 'p', summary: '', terms: [], demos: [], widgets: [], sources: [], html: '', words: 0,
});
const en: CompiledLecture = { lang: 'en', parts: [], sections: [section('rlhf-ppo', 'PPO', 'The policy is optimised with a KL penalty against the SFT model.', 27), section('pal', 'PAL', 'Programs compute the answer.', 22)] };
const zh: CompiledLecture = { lang: 'zh-cn', parts: [], sections: [section('rlhf-ppo', '近端策略优化', '策略模型在 KL 惩罚下优化，避免偏离有监督微调模型。', 27)] };

describe('lecture search', () => {
  it('finds English text case-insensitively with context and match offsets', () => {
    const [hit] = searchLecture([en, zh], 'kl PENALTY', 'en');
    assert.equal(hit.id, 'rlhf-ppo');
    assert.equal(hit.lang, 'en');
    assert.equal(hit.snippet.slice(hit.start, hit.end).toLowerCase(), 'kl penalty');
  });
  it('finds Chinese text and puts the reader language first', () => {
    const hits = searchLecture([en, zh], 'KL', 'zh-cn');
    assert.equal(hits[0].lang, 'zh-cn');
    assert.equal(searchLecture([en, zh], '惩罚', 'en')[0].id, 'rlhf-ppo');
  });
  it('ranks title matches before body matches and returns nothing for blank queries', () => {
    const hits = searchLecture([en], 'pal', 'en');
    assert.equal(hits[0].id, 'pal');
    assert.deepEqual(searchLecture([en], '   ', 'en'), []);
  });
});
