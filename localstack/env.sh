# Source this file (". localstack/env.sh") to point AWS SDKs and the posture scanner at the
# emulated organization: LocalStack for every service, moto for Organizations.
# The 12-digit access key id makes LocalStack act as the management account 123456789012,
# which is also moto's default account.
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_PROFILE
export AWS_ENDPOINT_URL=http://127.0.0.1:4566
export AWS_ENDPOINT_URL_ORGANIZATIONS=http://127.0.0.1:5000
export AWS_ACCESS_KEY_ID=123456789012
export AWS_SECRET_ACCESS_KEY=test
export AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/dev/null
export AWS_SHARED_CREDENTIALS_FILE=/dev/null
