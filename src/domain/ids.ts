/** Id prefixes per kind, so an id says what it names (`msg_…`, `cp_…`). */
export type IdKind = 'msg' | 'cp' | 'sig' | 'con' | 'creq' | 'mo' | 'rec' | 'tok' | 'dnd' | 'case' | 'hold' | 'tpl' | 'alert' | 'act' | 'cred' | 'chs' | 'csub';

/** Source of new ids; a port so tests can make them deterministic. */
export interface IdGenerator {
  next(kind: IdKind): string;
}
