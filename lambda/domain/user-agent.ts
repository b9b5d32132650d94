/** Which tool made a call, read from its user agent. */

export const TOOLS = [
  'console',
  'aws-cli',
  'terraform',
  'cloudformation',
  'pulumi',
  'cdk',
  'sdk',
  'aws-service',
  'unknown',
] as const;
export type Tool = (typeof TOOLS)[number];

export interface ToolGuess {
  readonly tool: Tool;
  /** The SDK's language when `tool` is `sdk`, else null. */
  readonly sdkLanguage: string | null;
}

// Order matters: Terraform and Pulumi embed aws-sdk-go, the CLI embeds botocore, CDK embeds aws-sdk-js.
const RULES: readonly (readonly [RegExp, Tool])[] = [
  [/terraform/i, 'terraform'],
  [/pulumi/i, 'pulumi'],
  [/\baws-cdk\b|\bcdk\//i, 'cdk'],
  [/cloudformation\.amazonaws\.com/i, 'cloudformation'],
  [/^aws-cli\/|\baws-cli\//i, 'aws-cli'],
  [
    /console\.(\w+\.)?amazonaws\.com|signin\.amazonaws\.com|^aws console\b|^aws internal\/console/i,
    'console',
  ],
  [/^mozilla\//i, 'console'],
];

const SDK_LANGUAGES: readonly (readonly [RegExp, string])[] = [
  [/boto3|botocore/i, 'python'],
  [/aws-sdk-js|aws-sdk-nodejs|\blang\/js\b/i, 'javascript'],
  [/aws-sdk-java|\blang\/java\b/i, 'java'],
  [/aws-sdk-go/i, 'go'],
  [/aws-sdk-ruby/i, 'ruby'],
  [/aws-sdk-dotnet|aws-sdk-net|\.net/i, 'dotnet'],
  [/aws-sdk-php/i, 'php'],
  [/aws-sdk-rust/i, 'rust'],
  [/aws-sdk-cpp/i, 'cpp'],
  [/awspowershell|aws-tools-for-powershell/i, 'powershell'],
  [/aws-sdk-swift/i, 'swift'],
  [/aws-sdk-kotlin/i, 'kotlin'],
];

const SERVICE_HOST = /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/i;

// Trails repeat the same few agents endlessly: remember recent answers (a pure function, so safe).
const CACHE_LIMIT = 512;
const cache = new Map<string, ToolGuess>();

/**
 * Classifies a user agent. `viaConsole` is the record's own console flag: the console's calls
 * often carry the opaque agent "AWS Internal".
 */
export function classifyUserAgent(userAgent: string | null, viaConsole: boolean | null = null): ToolGuess {
  if (!userAgent) return { tool: viaConsole ? 'console' : 'unknown', sdkLanguage: null };
  const key = viaConsole ? `1${userAgent}` : `0${userAgent}`;
  const known = cache.get(key);
  if (known) return known;
  const guess = classify(userAgent, viaConsole);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, guess);
  return guess;
}

function classify(userAgent: string | null, viaConsole: boolean | null): ToolGuess {
  if (!userAgent) return { tool: viaConsole ? 'console' : 'unknown', sdkLanguage: null };
  const ua = userAgent.trim();
  for (const [pattern, tool] of RULES) {
    if (pattern.test(ua)) return { tool, sdkLanguage: null };
  }
  for (const [pattern, language] of SDK_LANGUAGES) {
    if (pattern.test(ua)) return { tool: 'sdk', sdkLanguage: language };
  }
  if (/^aws internal$/i.test(ua)) return { tool: viaConsole ? 'console' : 'aws-service', sdkLanguage: null };
  if (SERVICE_HOST.test(ua)) return { tool: 'aws-service', sdkLanguage: null };
  return { tool: viaConsole ? 'console' : 'unknown', sdkLanguage: null };
}
