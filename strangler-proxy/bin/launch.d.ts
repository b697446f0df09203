/** Types of launch.js (plain JavaScript, read by the launcher before any TypeScript loads). */
export declare const PACKAGE_ROOT: string;
export declare const LAUNCHER: string;
export declare const BUILD_STAMP: string;
export declare const PROXY_SOURCES: string;
export declare function launcherNodeFlags(launcher?: string): string[];
export declare function launcherEnv(launcher?: string): Record<string, string>;
export declare function splitStartWords(words: string): {
  env: Record<string, string>;
  nodeFlags: string[];
};
export declare function isBuildFresh(root?: string, trees?: readonly string[]): boolean;
export declare function entryModule(source: string, root?: string): string;
export declare function unsupportedNode(version: string, executable: string, root?: string): string | null;
