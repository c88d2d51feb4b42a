/** config/suggest.ts `closest`: the did-you-mean behind config keys and role names. */
import { closest } from '../../config/suggest';

describe('closest', () => {
  test('the one candidate within reach, compared without case', () => {
    expect(closest('retentionDay', ['retentionDays', 'categories'])).toBe('retentionDays');
    expect(closest('POLCY', ['policy', 'name'])).toBe('policy');
  });

  test('nothing when two candidates are equally close: a coin toss is no hint', () => {
    expect(closest('abcd', ['abce'])).toBe('abce');
    expect(closest('abcd', ['abce', 'abcf'])).toBeUndefined();
    // A closer one still wins over a tie further away.
    expect(closest('abcdef', ['abcdxx', 'abcdeg', 'abcdyy'])).toBe('abcdeg');
  });

  test('nothing beyond a third of the word or maxEdits', () => {
    expect(closest('ab', ['xy'])).toBeUndefined();
    expect(closest('monitoring', ['monitxxxxg'], 3)).toBeUndefined();
    expect(closest('monitoring', ['monitxxing'], 3)).toBe('monitxxing');
  });
});
