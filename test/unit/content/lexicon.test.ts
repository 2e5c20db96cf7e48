import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileLexicon, mergeLexicons, validateLexicon, pinyinVariants, type LexiconData } from '../../../src/content/lexicon.js';
import { DEFAULT_LEXICON_DATA, defaultLexicon } from '../../../src/content/default-lexicon.js';
import { CHAR_TRANSFORMS, PINYIN_TRANSFORMS, ORDINARY } from './evasion.js';

const lex = defaultLexicon();
const allTerms: Array<{ category: string; term: string }> = Object.entries(DEFAULT_LEXICON_DATA.categories).flatMap(([category, c]) =>
  c.terms.map((term) => ({ category, term })),
);
const CONTEXTS: Array<[string, string]> = [
  ['', ''],
  ['【某某】您好，', '，详情咨询客服。'],
  ['hello ', ' 123'],
  ['限时：', '！！'],
];

describe('prohibited-content lexicon', () => {
  test('shipped lexicon is valid and covers the eight categories', () => {
    assert.deepEqual(validateLexicon(DEFAULT_LEXICON_DATA), []);
    for (const c of ['fraud', 'gambling', 'fake_invoice', 'illegal_finance', 'drugs', 'weapons', 'pornography', 'state_impersonation']) {
      assert.ok(lex.categories.includes(c), c);
    }
    assert.ok(lex.termCount >= 200);
  });

  test('every term under every evasion transform, in every context, is caught with its category', () => {
    let checked = 0;
    for (const { category, term } of allTerms) {
      const forms = CHAR_TRANSFORMS.map((t) => [t.name, t.apply(term)] as const);
      for (const p of PINYIN_TRANSFORMS) if (/^[\u4e00-\u9fff]+$/.test(term) && term.length >= p.minLength) forms.push([p.name, p.apply(term)] as const);
      for (const [name, form] of forms) {
        for (const [pre, post] of CONTEXTS) {
          const found = lex.scan(pre + form + post);
          assert.ok(found.some((f) => f.category === category), `${category} term #${allTerms.findIndex((t) => t.term === term)} under "${name}" missed`);
          checked++;
        }
      }
    }
    assert.ok(checked > 5000);
  });

  test('random compositions of evasion transforms still catch every category (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...allTerms), fc.array(fc.constantFrom(...CHAR_TRANSFORMS), { maxLength: 3 }), ({ category, term }, ts) => {
        const form = ts.reduce((s, t) => t.apply(s), term);
        return lex.scan(`通知：${form}。`).some((f) => f.category === category);
      }),
      { numRuns: 2000, seed: 5 },
    );
  });

  test('ordinary text under every transform is not flagged', () => {
    for (const text of ORDINARY) {
      for (const t of [...CHAR_TRANSFORMS, ...PINYIN_TRANSFORMS]) {
        assert.deepEqual(lex.scan(t.apply(text)), [], `ordinary text under "${t.name}": ${t.apply(text)}`);
      }
    }
  });

  test('findings name the category, never the matched term', () => {
    const found = lex.scan('代开发票，税点低，加微信');
    assert.equal(found.length, 1);
    assert.deepEqual(Object.keys(found[0]).sort(), ['category', 'hits', 'label', 'severity']);
    assert.equal(found[0].category, 'fake_invoice');
    assert.equal(found[0].hits, 2);
    assert.ok(!JSON.stringify(found).includes('代开') && !JSON.stringify(found).includes('税点'));
  });

  test('Latin patterns need word boundaries', () => {
    assert.equal(lex.scan('dkfp').length, 1);
    assert.equal(lex.scan('xdkfpx').length, 0);
    assert.equal(lex.scan('d.k.f.p 联系').length, 1);
  });

  test('exceptions cancel a covered hit only', () => {
    assert.deepEqual(lex.scan('所谓的安全账户都是骗局'), []);
    assert.equal(lex.scan('请把钱转到安全账户').length, 1);
  });

  test('negators cancel only when allowed, and chain over lists', () => {
    const psa = '【市禁毒办】远离冰毒、海洛因、摇头丸，珍爱生命。';
    assert.deepEqual(lex.scan(psa, { allowNegation: true }), []);
    assert.equal(lex.scan(psa)[0].category, 'drugs');
    // a negator far away does not launder a later offer
    assert.equal(lex.scan('拒绝平庸生活，本店长期大量出售冰毒', { allowNegation: true })[0].category, 'drugs');
  });

  test('an anti-fraud notice listing lures after a warning word passes however long the list (、, “”, 《》, two sentences, traditional)', () => {
    // 冒充客服退款 (a fraud term) third in a list is beyond a negator's 6 characters: these were refused
    const notices = [
      '【某银行】警惕刷单返佣、网络贷款、冒充客服退款等诈骗，请勿向他人透露验证码。',
      '【某银行】警惕“刷单返佣”、“网络贷款”、“冒充客服退款”等诈骗，请勿向他人透露验证码。',
      '【某银行】警惕《刷单返佣》、《网络贷款》、《冒充客服退款》等诈骗手法，请勿向他人透露验证码。',
      '【某通信】近期电信诈骗高发。请警惕网络贷款、游戏装备交易、冒充客服退款等骗局，谨防投资理财高回报、稳赚不赔等说法。',
      '【某派出所】謹防網絡貸款、遊戲裝備交易、冒充客服退款等騙局。如遇可疑情況請撥打110。',
      '【某银行】当心以下诈骗：网络贷款、兼职点赞、冒充客服退款。',
      '【某某县公安局】警惕投资理财高回报、稳赚不赔等说法，所谓内部消息、带单老师都是骗局。',
    ];
    for (const t of notices) {
      assert.deepEqual(lex.scan(t, { allowNegation: true }), [], t);
      // still only where negation is allowed (public welfare, notification): an advert cannot warn its way through
      assert.notDeepEqual(lex.scan(t), [], t);
    }
  });

  test('a warning word does not launder an offer outside its clause, nor a term split by a clause end', () => {
    const evasions = [
      '警惕错过！兼职刷单日结，加V：xxx', // a warning word in front, unrelated (and the text names no fraud)
      '警惕诈骗！兼职刷单日结，加V：xxx', // … naming fraud, in another sentence
      '谨防诈骗。刷单返利日结300，加微信', // an actual offer after the warning
      '谨防诈骗，刷单返利日结300，加微信', // … in the next clause
      '谨防诈骗。兼 职 刷 单日结300，加微信', // … with the term's characters split
      '谨防诈骗、兼。职刷单日结300，加微信', // a term cut by 。 so that it starts inside the warning's clause
      '【市禁毒办】远离毒品。冰毒、海洛因，货到付款', // a negator's reach stops at the sentence end too
      '警惕错过：限时报名、日结300、兼职刷单，加微信', // a list after a warning word, in a text naming no fraud (refused before too: guards the warning clause's condition)
    ];
    for (const t of evasions) assert.notDeepEqual(lex.scan(t, { allowNegation: true }), [], t);
    assert.equal(lex.scan('谨防诈骗。刷单返利日结300，加微信', { allowNegation: true })[0].category, 'fraud');
  });

  test('an anti-drug or anti-gambling notice warns of its whole list, across sentences and before the warning', () => {
    // each was refused: a negator's reach and a warning clause stop at the sentence end (the first three passed
    // before that by reaching over it), and nothing covered a list put before the warning (the fourth)
    const notices = [
      '【禁毒办】珍爱生命，远离毒品。冰毒、海洛因、K粉都是毒品，一旦沾染后果严重。',
      '【禁毒办】珍爱生命，远离毒品！冰毒、海洛因都是毒品。',
      '【公安】拒绝毒品。吸食冰毒违法，举报电话110。',
      '【禁毒办】冰毒、海洛因危害大，请远离毒品。',
      '【禁毒办】6·26国际禁毒日：摇头丸、K粉、冰毒等新型毒品危害大，发现涉毒线索请拨打举报电话。',
      '【公安】警惕“听话水”“失忆水”等新型毒品，切勿饮用陌生人给的饮料。珍爱生命，远离毒品。',
      '【公安】远离赌博，珍爱家庭。百家乐、时时彩都是网络赌博，参与即违法，举报电话110。',
      '【某派出所】網絡賭博害人害己！百家樂、真人荷官都是陷阱，請遠離賭博。',
    ];
    for (const t of notices) {
      assert.deepEqual(lex.scan(t, { allowNegation: true }), [], t);
      assert.notDeepEqual(lex.scan(t), [], t); // an advert cannot warn its way through
    }
    assert.deepEqual(lex.scan('【公安】远离冰毒、海洛因，珍爱生命。', { allowNegation: true }), []);
  });

  test('a drug or gambling pitch dressed as a warning stays refused', () => {
    const pitches: Array<[string, string]> = [
      ['【市禁毒办】远离毒品。冰毒、海洛因，货到付款', 'drugs'], // terms of sale
      ['远离毒品。冰毒、海洛因都有。加 V：abc123', 'drugs'], // the contact in a sentence of its own
      ['拒绝毒品！冰 毒 摇头丸 现 货，私聊', 'drugs'],
      ['拒绝毒品。冰毒海洛因 13800138000', 'drugs'], // a mobile number is a contact
      ['冰毒、海洛因危害大，远离毒品，一克300元', 'drugs'],
      ['【公安】远离赌博！百家乐真人荷官，首存送100%，注册即送彩金 www.x.com', 'gambling'],
      ['远离赌博。百家乐、真人荷官，赢了提现秒到，扫码进群', 'gambling'],
      ['远离毒品。百家乐、时时彩', 'gambling'], // a warning of drugs does not cover gambling
      ['冰毒、海洛因、摇头丸都有', 'drugs'], // the category named as no harm
    ];
    for (const [t, category] of pitches) assert.equal(lex.scan(t, { allowNegation: true })[0]?.category, category, t);
    // fraud is not warned of as a whole text: its pitches borrow anti-fraud words and need no sales hook
    assert.equal(lex.scan('【某银行】谨防诈骗，远离骗局。您的账户已被冻结请登录网址核实', { allowNegation: true })[0]?.category, 'fraud');
  });

  test('operator extensions merge: new category, appended terms, overridden severity', () => {
    const ext: LexiconData = { categories: { fraud: { severity: 'review', terms: ['高薪招聘打字员'] }, pyramid: { label: '传销', terms: ['拉人头返利'] } } };
    const merged = compileLexicon(mergeLexicons(DEFAULT_LEXICON_DATA, ext));
    assert.deepEqual(merged.scan('高薪招聘打字员'), [{ category: 'fraud', label: '诈骗', severity: 'review', hits: 1 }]);
    assert.equal(merged.scan('拉人头返利')[0].category, 'pyramid');
    assert.equal(merged.scan('代开发票')[0].category, 'fake_invoice');
  });

  test('invalid data is rejected with every error at once', () => {
    const errs = validateLexicon({ categories: { 'Bad-Name': { terms: ['a'] }, ok: { severity: 'nope' as never, terms: [] } } });
    assert.equal(errs.length, 3);
    assert.throws(() => compileLexicon({ categories: { x: { terms: ['。'] } } }), /invalid lexicon/);
  });

  test('an operator\'s extension file: every mistake is named, none quietly dropped or spread into characters', () => {
    const bad = {
      negator: ['别信'], // a misspelt key: its words were dropped
      negators: '警惕', // a string: spread into the one-character negators 警 and 惕
      categories: {
        spam: { label: 5, severity: 'block', negatable: 'yes', pinyin: 'no', terms: ['买买买', 5], term: ['卖卖卖'], exceptions: '不买买买' },
        mlm: null,
      },
    } as unknown as LexiconData;
    const errs = validateLexicon(bad);
    for (const said of [
      /^negator: unknown field/, /^negators: an array of words/, /^categories\.spam\.label: a string/, /^categories\.spam\.negatable: true or false/,
      /^categories\.spam\.pinyin: true or false/, /^categories\.spam\.terms\[1\]: a string/, /^categories\.spam\.term: unknown field/,
      /^categories\.spam\.exceptions: an array of phrases/, /^categories\.mlm: an object/,
    ]) assert.ok(errs.some((e) => said.test(e)), `${said} in ${JSON.stringify(errs)}`);
    assert.deepEqual(validateLexicon({ categories: [] } as unknown as LexiconData), ['categories: required object (category name → category)']);
    assert.deepEqual(validateLexicon({ negators: ['警', 5], categories: {} } as unknown as LexiconData), ['negators[0]: must normalise to at least 2 characters', 'negators[1]: a string']);
    assert.deepEqual(validateLexicon({ version: 1, description: 'x', negators: ['别信'], categories: { spam: { label: '垃圾', severity: 'flag', negatable: false, pinyin: true, terms: ['买买买'], exceptions: ['不买买买'] } } }), []);
  });

  test('pinyin variants only for long enough all-hanzi terms', () => {
    assert.deepEqual(pinyinVariants('代开发票'), ['daikaifapiao', 'dkfp']);
    assert.deepEqual(pinyinVariants('冰毒'), []);
    assert.deepEqual(pinyinVariants('k粉'), []);
  });

  test('matching a 10,000-term lexicon finds the same things as the small one', () => {
    const big = structuredClone(DEFAULT_LEXICON_DATA);
    const filler: string[] = [];
    for (let i = 0; filler.length < 10_000; i++) filler.push(`禁词${String.fromCharCode(0x4e00 + ((i * 7919) % 20000))}${String.fromCharCode(0x4e00 + ((i * 104729) % 20000))}${i}`);
    big.categories.filler = { severity: 'flag', pinyin: false, terms: filler };
    const bigLex = compileLexicon(big);
    for (const text of ORDINARY) assert.deepEqual(bigLex.scan(text), []);
    assert.equal(bigLex.scan('代开发票')[0].category, 'fake_invoice');
    assert.equal(bigLex.scan(`x${filler[1234]}y`)[0].category, 'filler');
  });
});
