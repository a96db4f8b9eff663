import assert from 'node:assert/strict';
import { answerIs, extractAnswer, firstLabel, firstNumber, isCorrect, lastNumber, normalizeAnswer, normalizeNumber, yesNo } from '../../../src/demos/answerExtractors';

describe('answer extractors', () => {
  it('answer-is: reads "The answer is N" and takes the last one when the reply restates the exemplar', () => {
    assert.equal(answerIs('The answer is 11.'), '11');
    assert.equal(answerIs('Roger: The answer is 11. Cafeteria: 23 - 20 = 3, 3 + 6 = 9. The answer is 9.'), '9');
    assert.equal(answerIs('Answer: 42'), '42');
    assert.equal(answerIs('Therefore, the answer (arabic numerals) is 4.'), '4');
    assert.equal(answerIs('**The answer is $1,234.50**'), '1234.5');
    assert.equal(answerIs('Nothing here about 7 apples'), undefined);
  });

  it('answer-is: reads Chinese "答案是 N" / "答案为" / "答案（阿拉伯数字）是" and full-width digits', () => {
    assert.equal(answerIs('所以他们现在有 9 个苹果。答案是 9。'), '9');
    assert.equal(answerIs('答案为：74'), '74');
    assert.equal(answerIs('因此，答案（阿拉伯数字）是 4'), '4');
    assert.equal(answerIs('答案是１２'), '12');
    assert.equal(answerIs('答案是 2,000,000 条'), '2000000');
  });

  it('answer-is: falls back to the last number unless told not to', () => {
    assert.equal(extractAnswer('23 - 20 = 3. 3 + 6 = 9.', { id: 'answer-is' }), '9');
    assert.equal(extractAnswer('23 - 20 = 3. 3 + 6 = 9.', { id: 'answer-is', fallback: false }), undefined);
  });

  it('numbers: commas are thousands separators, signs and decimals survive, a sentence dot is not a decimal', () => {
    assert.equal(lastNumber('They had 1,234 loaves.'), '1234');
    assert.equal(lastNumber('It fell to -3.5 degrees.'), '-3.5');
    assert.equal(lastNumber('Temperature −7'), '-7');
    assert.equal(lastNumber('The total is 9.'), '9');
    assert.equal(lastNumber('3.50 dollars'), '3.5');
    assert.equal(lastNumber('lists like 1,2,3'), '3');
    assert.equal(lastNumber('23-20=3'), '3');
    assert.equal(firstNumber('First 685,427 then 1'), '685427');
    assert.equal(normalizeNumber('007'), '7');
    assert.equal(normalizeNumber('12345678901234567890'), '12345678901234567890');
  });

  it('numbers: the last number of a long reply, read from its end, is the one a scan of the whole text finds', () => {
    // lastNumber(text, true) scans the whole text (number words too; the alphabet here spells none).
    let seed = 5;
    const random = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const alphabet = ['1', '2', '0', '9', ',', '.', '-', '−', '+', '５', '，', ' ', ' ', 'x', '\n'];
    for (let round = 0; round < 400; round++) {
      let text = '';
      for (let n = Math.floor(random() * 6000); n > 0; n--) text += alphabet[Math.floor(random() * alphabet.length)];
      assert.equal(lastNumber(text), lastNumber(text, true), JSON.stringify(text.slice(-80)));
    }
    const long = ` w1${' w2'.repeat(20000)}`;
    assert.equal(lastNumber(long), '2');
    assert.equal(lastNumber(`x ${'1'.repeat(3000)}`), lastNumber(`x ${'1'.repeat(3000)}`, true));
    assert.equal(lastNumber(`7 ${'x'.repeat(100000)}`), '7');
    assert.equal(lastNumber(`1,234,567${'x'.repeat(1018)}`), '1234567');
  });

  it('number words: only when asked; Chinese numerals only before a measure word', () => {
    assert.equal(firstNumber('A giraffe has two eyes, one on each side.', true), '2');
    assert.equal(firstNumber('A giraffe has two eyes.'), undefined);
    assert.equal(firstNumber('长颈鹿有两只眼睛。', true), '2');
    assert.equal(firstNumber('一样的问题，十二个苹果', true), '12');
  });

  it('labels: the alias that occurs first wins, whole words for Latin, substrings for Chinese', () => {
    const labels = { positive: [] as string[], negative: [] as string[], neutral: [] as string[] };
    assert.equal(firstLabel(' positive.', labels), 'positive');
    assert.equal(firstLabel('Positive — not negative at all', labels), 'positive');
    assert.equal(firstLabel('positively glowing', labels), undefined);
    const zh = { 正面: ['积极', 'positive'], 负面: ['消极'], 中性: [] as string[] };
    assert.equal(firstLabel('正面的。', zh), '正面');
    assert.equal(firstLabel('这是积极的评价', zh), '正面');
    assert.equal(firstLabel('A pencil is heavier than a toaster.', { toaster: [], pencil: [] }), 'pencil');
    assert.equal(firstLabel("Your foot doesn't have any eyes.", { none: ["doesn't have", 'no eyes'], two: ['two'] }), 'none');
    assert.equal(firstLabel('Your foot doesn’t have eyes.', { none: ["doesn't have"], two: ['two'] }), 'none');
  });

  it('yes/no: English and Chinese, "不会" is no even though it contains "会"', () => {
    assert.equal(yesNo('No, cheese will not melt in the fridge.'), 'no');
    assert.equal(yesNo('It will not melt.'), 'no');
    assert.equal(yesNo('Yes, it will.'), 'yes');
    assert.equal(yesNo('不会，冰箱温度很低。'), 'no');
    assert.equal(yesNo('会的。'), 'yes');
  });

  it('grading: numbers compare by value, labels case- and punctuation-insensitively, no expected = ungraded', () => {
    assert.equal(isCorrect('9', ['9']), true);
    assert.equal(isCorrect('27', ['9']), false);
    assert.equal(isCorrect('74.0', ['74']), true);
    assert.equal(isCorrect(undefined, ['9']), false);
    assert.equal(isCorrect('9', undefined), undefined);
    assert.equal(isCorrect('Fromage.', ['fromage']), true);
    assert.equal(normalizeAnswer(' “Où est la gare ?” '), 'où est la gare');
  });
});
