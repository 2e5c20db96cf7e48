/**
 * The staff forms' and the import's words for a rejection (src/web/form-errors.ts): the field's label
 * and explanation are kept, the use case's own reason follows in the page's language when it gave one
 * the table knows, and as its message when it did not; every reason id has words in both languages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SmsguardError, WHY_IDS } from '../../../src/domain/errors.js';
import { addressErrorText, importErrorText, ruleText, staffErrorText, whyText, withRule } from '../../../src/web/form-errors.js';
import { ruleArticle } from '../../../src/web/rule-labels.js';
import { CN_2015 } from '../../../src/profiles/cn-2015.js';
import { CN_2026 } from '../../../src/profiles/cn-2026.js';

test('every reason id reads in both languages, its parameters filled in', () => {
  const params = { min: 1, max: 9, roles: 'admin,regulator', kind: 'opt_out', id: 'cp_x', signatureId: 'sig_x', number: '10690001', name: 'simulator', line: 3, reason: 'Unexpected token', year: 2027, month: '2027-01', state: 'answered', action: 'close', allowed: 'close,reopen', scope: 'port', key: '10690001', char: 'U+0007', reference: 'JB-1', case: 'C20261130ABCDEF12', values: 'mt, mo', meant: 'mo' };
  for (const id of WHY_IDS) {
    for (const lang of ['zh', 'en'] as const) {
      const said = whyText(lang, { id, params });
      assert.ok(said && said.length > 1, `${id} ${lang}`);
      assert.doesNotMatch(said, /\{\w+\}/, `${id} ${lang}: ${said}`);
    }
  }
  assert.equal(whyText('zh', { id: 'role_required', params: { roles: 'report-centre,admin' } }), '这项操作需要以下身份之一：举报中心、运营方。');
  assert.equal(whyText('en', { id: 'measure_operator_only', params: { kind: 'throttle' } }), '“Throttle the provider” acts on the provider itself: only the operator takes it.');
  assert.equal(whyText('zh', undefined), null);
  // A case's state and actions by their page labels; no action left is said as none.
  assert.equal(whyText('zh', { id: 'action_not_allowed', params: { action: 'close', state: 'received', allowed: 'forward,escalate,withdraw' } }), '案件处于“已受理”状态，不能“办结”；现在可进行的操作：转交企业、升级、撤回。');
  assert.equal(whyText('en', { id: 'case_final', params: { state: 'closed', allowed: '' } }), 'The case is closed, so this cannot be done; what can be done now: none.');
  assert.equal(whyText('zh', { id: 'case_final', params: { state: 'withdrawn', allowed: '' } }), '案件已撤回，不能再这样办理；现在可进行的操作：无。');
});

test('a staff field keeps its label and explanation and adds the reason; without a known reason, the message as it is', () => {
  const known = new SmsguardError('invalid_request', 'sender: must have at most 40 characters', {}, 'sender', { id: 'too_long', params: { max: 40 } });
  assert.equal(staffErrorText('zh', known), '发送方：发送号码只填数字（例如 10690002），签名请连同【】一起填写（例如 【示例】）。原因：不能超过 40 个字。 (invalid_request)');
  assert.equal(staffErrorText('en', known), 'Sender: Give the sender port as digits (e.g. 10690002), or the signature with its 【】 brackets (e.g. 【示例】). Reason: may have at most 40 characters. (invalid_request)');
  // A reason's or the notes' length, and a reason that says what to change, alone after the label: the
  // field's general words would name another limit (1000 where revoking takes 500) or another rule.
  const reason = new SmsguardError('invalid_request', 'reason: must have at most 500 characters', {}, 'reason', { id: 'too_long', params: { max: 500 } });
  assert.equal(staffErrorText('zh', reason), '理由：不能超过 500 个字。 (invalid_request)');
  assert.equal(staffErrorText('en', reason), 'Reason: may have at most 500 characters. (invalid_request)');
  assert.equal(staffErrorText('zh', new SmsguardError('invalid_request', 'to: before from', {}, 'to', { id: 'range_reversed' })), '截止日期（北京时间，含当日）：截止日期早于起始日期：请把较早的日期填在“起始日期”，较晚的填在“截止日期”。 (invalid_request)');
  const unknown = new SmsguardError('invalid_request', 'finding: a reason no table has words for', {}, 'finding');
  assert.equal(staffErrorText('zh', unknown), '核查结论：请选择一项核查结论。原因：finding: a reason no table has words for (invalid_request)');
  // No field of the staff forms: the reason alone where known, else null (the page shows the message).
  assert.equal(staffErrorText('zh', new SmsguardError('forbidden', 'x', {}, undefined, { id: 'role_required', params: { roles: 'regulator' } })), '这项操作需要以下身份之一：监管机构。 (forbidden)');
  assert.equal(staffErrorText('zh', new SmsguardError('conflict', 'the case is closed')), null);
});

test('an import line is named by its key\'s label with the key, said by its reason, else the complaint form\'s words for the key, else its message', () => {
  assert.equal(importErrorText('zh', new SmsguardError('invalid_request', 'reports/3/reference: …', {}, 'reports/3/reference', { id: 'report_reference_missing' })), '12321 中心的编号（reference）：每条举报都须填写此项。 (invalid_request)');
  assert.match(importErrorText('zh', new SmsguardError('invalid_msisdn', 'reports/0/msisdn: not a mainland mobile number', {}, 'reports/0/msisdn')), /^投诉人号码（msisdn）：请填写收到短信的中国大陆手机号码.* \(invalid_msisdn\)$/);
  assert.match(importErrorText('en', new SmsguardError('invalid_request', 'reports/0/screenshot: …', {}, 'reports/0/screenshot')), /^Screenshot \(screenshot\): The screenshot could not be read/);
  // the reference said once: by the label, not again in the reason
  assert.equal(importErrorText('zh', new SmsguardError('conflict', 'x', {}, 'reports/0/reference', { id: 'report_reference_taken', params: { reference: 'JB-1', case: 'C-1' } })).match(/中心的编号/g)?.length, 1);
  // a key no report has is what the clerk corrects: named as written
  assert.match(importErrorText('zh', new SmsguardError('invalid_request', 'reports/0/recievedAt: unknown', {}, 'reports/0/recievedAt', { id: 'report_field_unknown' })), /^recievedAt：举报没有这一项/);
  assert.equal(importErrorText('en', new SmsguardError('invalid_request', 'reports/1: line 2 is not JSON: Unexpected end', {}, 'reports/1', { id: 'report_not_json', params: { line: 2, reason: 'Unexpected end' } })), 'line 2 is not JSON (Unexpected end). (invalid_request)');
  assert.equal(importErrorText('zh', new SmsguardError('invalid_request', 'reports/0/contentProviderId: something new', {}, 'reports/0/contentProviderId')), '企业（contentProviderId）：reports/0/contentProviderId: something new (invalid_request)');
});

test('the rule that refused is named by its label with its id in brackets, then the article as the profile states it; nothing without a rule', () => {
  const consent = { rule: 'commercial.consent', article: CN_2015.rules['commercial.consent'].article, profile: 'cn-2015' };
  assert.equal(ruleText('zh', consent), '依据：商业短信须经用户同意（commercial.consent）— 第十八条（用户同意或请求）', 'the Chinese page: the profile\'s Chinese for the article');
  assert.equal(ruleText('en', consent), "Rule: commercial messages need the user's consent (commercial.consent) — Art. 18 (consent or request of the user)");
  assert.equal(ruleText('zh', { rule: 'complaints.workflow', article: 'rule 10' }), '依据：投诉案件须按办理流程处理（complaints.workflow）— 要点第10项（投诉与举报）');
  assert.equal(ruleText('en', { rule: 'recipient.msisdn' }), 'Rule: the recipient must be a mainland mobile number (recipient.msisdn)', 'no article: none shown');
  assert.equal(ruleText('en', { article: 'Art. 6' }), null, 'an article without its rule says nothing to match');
  assert.equal(ruleText('zh', {}), null);
  // An id no table knows (a stored trail of an older gateway) is shown as it is.
  assert.equal(withRule('en', { rule: 'r.x', article: 'Art. 1' }, 'No. (conflict)'), 'No. (conflict) Rule: r.x — Art. 1');
  assert.equal(ruleText('zh', { rule: 'r.x', article: 'Art. 1' }), '依据：r.x — Art. 1');
  assert.equal(withRule('zh', {}, '不行。 (conflict)'), '不行。 (conflict)');
  // The import's lines carry it too.
  assert.match(importErrorText('zh', new SmsguardError('invalid_msisdn', 'reports/0/msisdn: not a mainland mobile number', { rule: 'recipient.msisdn' }, 'reports/0/msisdn')), /\(invalid_msisdn\) 依据：接收号码须为中国大陆手机号码（recipient\.msisdn）$/);
});

test('an article the profile marks unverified says so in the line; the same rule under a verified article does not', () => {
  // cn-2026 states commercial.consent by a key phrase of Order 74, unverified; cn-2015 by Art. 18.
  const c26 = { rule: 'commercial.consent', article: CN_2026.rules['commercial.consent'].article, profile: 'cn-2026' };
  assert.equal(ruleText('zh', c26), '依据：商业短信须经用户同意（commercial.consent）— 工信部令第74号，商业性短信息部分（“明示同意”）（出处未经原文核实）');
  assert.equal(ruleText('en', c26), `Rule: commercial messages need the user's consent (commercial.consent) — ${c26.article} (source not verified in the original)`);
  assert.doesNotMatch(ruleText('zh', { ...c26, article: CN_2015.rules['commercial.consent'].article, profile: 'cn-2015' })!, /未经/);
  // cn-2015 marks port separation unverified (a practice and a 2020 draft), and the province scope.
  assert.match(ruleText('en', { rule: 'port.separation', article: CN_2015.rules['port.separation'].article, profile: 'cn-2015' })!, /\(port\.separation\) — Art\. 18 practice; 2020 draft .*\) \(source not verified in the original\)$/);
  assert.match(ruleText('zh', { rule: 'supervision.province-scope', article: CN_2015.rules['supervision.province-scope'].article, profile: 'cn-2015' })!, /（出处未经原文核实）$/);
  // Without the profile's name: the profile that states this article for the rule decides.
  assert.match(ruleText('en', { rule: 'consent.no-reply', article: CN_2015.rules['consent.no-reply'].article })!, /not verified/);
  // An article that is not the profile's (the gateway's own wording) is not the profile's to qualify.
  assert.doesNotMatch(ruleText('en', { rule: 'port.separation', article: 'elsewhere', profile: 'cn-2015' })!, /not verified/);
});

test('a Chinese page shows the profile\'s Chinese article, found by the rejection\'s profile and rule; an article that is not the profile\'s own for that rule as it is', () => {
  // The profile named decides: the same rule reads by Art. 18 in cn-2015 and by Order 74 in cn-2026.
  const c15 = { rule: 'commercial.consent', article: CN_2015.rules['commercial.consent'].article, profile: 'cn-2015' };
  const c26 = { rule: 'commercial.consent', article: CN_2026.rules['commercial.consent'].article, profile: 'cn-2026' };
  assert.equal(ruleArticle('zh', c15), '第十八条（用户同意或请求）');
  assert.equal(ruleArticle('zh', c26), '工信部令第74号，商业性短信息部分（“明示同意”）');
  assert.equal(ruleArticle('en', c15), c15.article, 'English pages: the English as the API names it');
  // A rule cn-2026 takes over from cn-2015 unchanged, named by cn-2026: the same Chinese.
  assert.equal(ruleArticle('zh', { rule: 'verification.frequency', article: CN_2026.rules['verification.frequency'].article, profile: 'cn-2026' }), '行业惯例（阿里云：每分钟1条、每小时5条、每天10条）');
  // Without the profile's name: the profile that states this article for the rule.
  assert.equal(ruleArticle('zh', { rule: 'port.separation', article: CN_2015.rules['port.separation'].article }), CN_2015.rules['port.separation'].articleZh);
  assert.match(ruleText('zh', { rule: 'port.separation', article: CN_2015.rules['port.separation'].article, profile: 'cn-2015' })!, /（port\.separation）— 第十八条[^—]*2020年征求意见稿[^—]*（出处未经原文核实）$/, 'the unverified note kept');
  // Fallback: the article is not the profile's own for that rule, or the rule is the gateway's own.
  assert.equal(ruleArticle('zh', { rule: 'commercial.consent', article: c26.article, profile: 'cn-2015' }), c26.article, 'another edition\'s article for the profile named: as named');
  assert.equal(ruleArticle('zh', { rule: 'commercial.consent', article: 'Art. 99 (elsewhere)', profile: 'cn-2015' }), 'Art. 99 (elsewhere)');
  assert.equal(ruleArticle('zh', { rule: 'sender.port-exists', article: CN_2015.rules['commercial.consent'].article, profile: 'cn-2015' }), CN_2015.rules['commercial.consent'].article, 'another rule\'s article: as named');
  assert.equal(ruleText('zh', { rule: 'supervision.penalties', article: 'rule 12 (RMB 10,000–30,000 for commercial-SMS violations)' }), '依据：违规罚款（supervision.penalties）— 要点第12项（商业性短信息违规：罚款一万元以上三万元以下）', 'a use case\'s rule without a profile: the gateway\'s own article in Chinese (src/domain/gateway-articles.ts)');
  assert.equal(ruleText('zh', { rule: 'complaints.workflow', article: 'rule 10', profile: 'cn-2015' }), '依据：投诉案件须按办理流程处理（complaints.workflow）— 要点第10项（投诉与举报）');
  assert.equal(ruleText('zh', { rule: 'commercial.consent', article: c15.article, profile: 'cn-2099' }), '依据：商业短信须经用户同意（commercial.consent）— 第十八条（用户同意或请求）', 'an unknown profile: any profile that states the article');
  assert.equal(ruleArticle('zh', { rule: 'commercial.consent' }), undefined, 'no article: none');
});

test('a page address\'s parameter refused for a NUL is named, the NUL itself not repeated', () => {
  const e = new SmsguardError('invalid_request', 'a\u0000: NUL', {}, 'a\u0000', { id: 'not_storable' });
  assert.equal(addressErrorText('zh', e), '地址中的参数“a\uFFFD”含有无法保存的字符（空字符或残缺的 Unicode 字符），请删去后再提交。 (invalid_request)');
  assert.match(addressErrorText('en', e) ?? '', /^The address's parameter “a\uFFFD” holds a character that cannot be stored/);
  assert.equal(addressErrorText('en', new SmsguardError('invalid_request', 'x', {}, 'q')), null, 'without a reason the page says the message');
});

test('the registry\'s credit code reads by the edition of the profile named', () => {
  assert.equal(ruleText('zh', { rule: 'registry.credit-code', article: CN_2015.rules['registry.credit-code'].article, profile: 'cn-2015' }), '依据：企业须有有效的统一社会信用代码（registry.credit-code）— 第六条（经营许可）、第七条（接入登记）；GB 32100-2015');
  assert.equal(ruleText('zh', { rule: 'registry.credit-code', article: CN_2026.rules['registry.credit-code'].article, profile: 'cn-2026' }), '依据：企业须有有效的统一社会信用代码（registry.credit-code）— 工信部令第74号（条款序号未知；同第31号令第六条（经营许可）、第七条（接入登记）；GB 32100-2015）（出处未经原文核实）');
});

test('the gateway\'s own articles (named by use cases, not profiles) read in Chinese on Chinese pages, as the API states them on English ones; an unknown article stays as named', () => {
  assert.equal(ruleText('en', { rule: 'complaints.workflow', article: 'rule 10' }), 'Rule: a complaint case follows its workflow (complaints.workflow) — rule 10');
  assert.equal(ruleText('zh', { rule: 'complaints.workflow', article: 'rule 99' }), '依据：投诉案件须按办理流程处理（complaints.workflow）— rule 99');
});
