import type { Options } from 'tsup';
export declare function xentTsupConfig(options?: {
  entry?: string[] | Record<string, string>;
}): Options | Options[];
