# Source this file (". localstack/env.sh") to point AWS SDKs and the posture scanner at the
# emulated organization. LocalStack (4566) serves every service by default; moto (5000) serves
# what LocalStack community lacks: Organizations, STS, the security services and the Account API
# (alternate contacts).
# - STS from moto: its AssumeRole keys (ASIA...) encode the role's account, which moto and
#   LocalStack (started with PARITY_AWS_ACCESS_KEY_ID=1 by start.sh) both honour, so each member
#   account is its own account in both emulators.
# - The 12-digit access key id makes LocalStack act as the management account 123456789012,
#   which is also moto's default account.
# - IAM Access Analyzer and Detective exist in neither emulator: they go to LocalStack, which
#   answers 501 (not implemented, answered once), so posture reports them as not assessed (moto
#   would answer 500, which clients retry).
# The variable names are AWS_ENDPOINT_URL_<SDK service id>, upper-cased, spaces as underscores
# ("Config Service" -> CONFIG_SERVICE); the AWS SDK for Rust and boto3 honour them.
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_PROFILE
export AWS_ENDPOINT_URL=http://127.0.0.1:4566
for _svc in ORGANIZATIONS STS CLOUDTRAIL CONFIG_SERVICE GUARDDUTY SECURITYHUB INSPECTOR2 MACIE2 ACCOUNT; do
    export "AWS_ENDPOINT_URL_${_svc}=http://127.0.0.1:5000"
done
unset _svc
export AWS_ACCESS_KEY_ID=123456789012
export AWS_SECRET_ACCESS_KEY=test
export AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/dev/null
export AWS_SHARED_CREDENTIALS_FILE=/dev/null
