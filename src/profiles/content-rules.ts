/**
 * Rule sources of the content-governance stages, for the regulation profiles: a profile adds them
 * with `...CONTENT_RULES` so every verdict of these stages cites its source. Article numbers are not
 * confirmed for either edition, so each cites a key phrase and is marked unverified.
 */
import type { RuleSource } from './types.js';

export const CONTENT_RULES: Readonly<Record<string, RuleSource>> = {
  'content.prohibited': {
    article: 'Telecommunications Regulations, list of forbidden information (“不得利用电信网络制作、复制、发布、传播含有下列内容的信息”); SMS Regulations, content obligations',
    articleZh: '《电信条例》所列禁止的信息（“不得利用电信网络制作、复制、发布、传播含有下列内容的信息”）；《通信短信息服务管理规定》有关内容的义务',
    summary: 'No prohibited content (fraud, gambling, fake invoices, illegal finance, drugs, weapons, pornography, impersonation of state bodies).',
    unverified: true,
  },
  'content.template': {
    article: 'practice (carrier and cloud template review); SMS management system (“短信息管理制度”)',
    articleZh: '行业惯例（运营商和云服务商的模板审核）；“短信息管理制度”',
    summary: 'Where the operator requires templates, a message must match an approved template of its sender.',
    unverified: true,
  },
  'monitor.early-warning': {
    article: 'SMS Regulations (“建立…预警监测机制”, early-warning and monitoring against unsolicited commercial messages)',
    articleZh: '《通信短信息服务管理规定》（“建立…预警监测机制”，针对未经请求的商业性短信息的预警和监测）',
    summary: 'Automatic throttle, hold or suspension after an early-warning alert, until an operator lifts it.',
    unverified: true,
  },
};
