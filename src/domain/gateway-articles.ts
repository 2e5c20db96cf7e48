/**
 * The articles the gateway's own rules cite: rules its use cases name without a profile (the
 * complaint workflow and its measures, fines, the operational limits); the registry's credit code is
 * the profiles' (rule `registry.credit-code`), whose article differs by edition. In English as the API
 * states them (`article` in an error body and a record, unchanged), and in Chinese for the web pages
 * (src/web/rule-labels.ts). "rule N" is the numbered list of docs/REGULATION.md, "Rules a gateway
 * enforces or records". The profiles' own articles carry their Chinese beside them (`articleZh`).
 */
export const GATEWAY_ARTICLES = {
  complaints: { en: 'rule 10', zh: '要点第10项（投诉与举报）' },
  publicIntake: { en: 'operational, not regulation (complaints without a token a minute from one address, so the public door cannot be flooded)', zh: '运营安排，并非法规规定（同一地址每分钟无令牌投诉的数量，防止公共入口被刷）' },
  statusLookup: { en: "operational, not regulation (wrong access codes from one address in 15 minutes, so a complainant's code cannot be guessed)", zh: '运营安排，并非法规规定（同一地址15分钟内查询码错误的次数，防止投诉查询码被猜中）' },
  access: { en: "operational, not regulation (the deployment's division of duties: which role may use an operation, and a content provider only its own data)", zh: '运营安排，并非法规规定（部署的职责分工：哪种身份可使用哪项操作，企业只能使用本企业的数据）' },
  idempotency: { en: 'operational, not regulation (safe retries: an Idempotency-Key names one request for 24 hours)', zh: '运营安排，并非法规规定（安全重试：一个幂等键在24小时内只代表一个请求）' },
  throughput: { en: 'operational, not regulation (the rate the operator agreed with the content provider, as an SMPP credential\'s throughput)', zh: '运营安排，并非法规规定（运营方与企业约定的速率，与SMPP账号的速率相同）' },
  /**
   * One live subscription per charged service and number (src/app/charged-services.ts): a second
   * notice would ask the user to confirm a charge already confirmed.
   */
  chargedSubscription: { en: 'gateway rule, not a regulation: one live subscription per charged service and number, so the user is never asked again to confirm a charge already confirmed', zh: '网关规则，并非法规规定：同一号码对同一收费业务只有一项有效订购，不再就已确认的收费重复征询' },
  penalties: { en: 'rule 12 (RMB 10,000–30,000 for commercial-SMS violations)', zh: '要点第12项（商业性短信息违规：罚款一万元以上三万元以下）' },
  /**
   * The credit file (rule 11: violations are written into the provider's credit file and published;
   * cn-2026's credit-management provisions, whose article numbers were not read, say the same):
   * an entry published in error, or overturned, is withdrawn by the regulator that keeps the file.
   */
  creditFile: { en: "rule 11 (violations are written into the provider's credit file and published; an entry published in error or overturned is withdrawn by the regulator)", zh: '要点第11项（违规行为记入信用档案并予公布；错误公布或经复议撤销的记录由监管部门撤回）' },
} as const satisfies Record<string, { en: string; zh: string }>;

const ZH: ReadonlyMap<string, string> = new Map(Object.values(GATEWAY_ARTICLES).map((a) => [a.en, a.zh]));

/** The Chinese of one of the gateway's own articles, by its English; undefined for any other. */
export function gatewayArticleZh(en: string): string | undefined {
  return ZH.get(en);
}
