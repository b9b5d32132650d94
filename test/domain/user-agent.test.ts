import { classifyUserAgent } from '../../lambda/domain';

describe('classifyUserAgent', () => {
  it.each([
    ['console.ec2.amazonaws.com', 'console', null],
    ['signin.amazonaws.com', 'console', null],
    ['AWS Console, aws-sdk-java/unknown-version Linux', 'console', null],
    ['aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64 command/ec2.run-instances', 'aws-cli', null],
    ['aws-cli/1.10.10 Python/2.7.9 Windows/7botocore/1.4.1', 'aws-cli', null],
    [
      'APN/1.0 HashiCorp/1.0 Terraform/1.7.4 terraform-provider-aws/5.40.0 aws-sdk-go-v2/1.25.2',
      'terraform',
      null,
    ],
    ['pulumi-resource-aws/6.0.0 aws-sdk-go/1.44', 'pulumi', null],
    ['aws-cdk/2.140.0 aws-sdk-js/3.540.0', 'cdk', null],
    ['cloudformation.amazonaws.com', 'cloudformation', null],
    ['Boto3/1.34.69 md/Botocore#1.34.69 lang/python#3.12.2', 'sdk', 'python'],
    ['aws-sdk-js/3.540.0 ua/2.0 os/linux lang/js md/nodejs#20.11.1', 'sdk', 'javascript'],
    ['aws-sdk-java/2.25.10 Linux/5.10 Java/17.0.10', 'sdk', 'java'],
    ['aws-sdk-go/1.51.0 (go1.22.1; linux; amd64)', 'sdk', 'go'],
    ['aws-sdk-ruby3/3.190.0 ruby/3.2.2', 'sdk', 'ruby'],
    ['aws-sdk-dotnet-coreclr/3.7.300 .NET_Core/6.0', 'sdk', 'dotnet'],
    ['autoscaling.amazonaws.com', 'aws-service', null],
    ['AWS Internal', 'aws-service', null],
    ['stratus-red-team_95b154bb', 'unknown', null],
  ])('classifies %s', (ua, tool, language) => {
    expect(classifyUserAgent(ua)).toEqual({ tool, sdkLanguage: language });
  });

  it('takes "AWS Internal" from a console session as the console', () => {
    expect(classifyUserAgent('AWS Internal', true).tool).toBe('console');
  });

  it('calls a missing user agent unknown', () => {
    expect(classifyUserAgent(null).tool).toBe('unknown');
  });
});
