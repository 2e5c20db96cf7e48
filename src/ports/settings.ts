/** Key/value settings the gateway keeps (e.g. when the admin token was generated). */
export interface SettingsStore {
  getSetting(key: string): Promise<string | null>;
  putSetting(key: string, value: string): Promise<void>;
}
