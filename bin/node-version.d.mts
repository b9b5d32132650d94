export declare const REQUIRED_MAJOR: number;
export declare function nodeProblem(version: string, what: string): string | null;
export declare function requireNode(what: string): void;
