//! Lambda, per region: every function (ListFunctions) with its resource-based policy (GetPolicy)
//! and its function URLs (ListFunctionUrlConfigs).

use aws_sdk_lambda::Client;
use futures::StreamExt;

use super::util::{error_code, paginate};
use crate::aws::collection_error;
use crate::inventory::*;

pub async fn collect(client: &Client, region: &str, concurrency: usize) -> Collected<Lambda> {
    let r = Some(region);
    let mut listed = Vec::new();
    let pages = paginate!(
        client.list_functions().max_items(50),
        "lambda",
        "ListFunctions",
        r,
        |page| {
            for f in page.functions() {
                if let (Some(name), Some(arn)) = (f.function_name(), f.function_arn()) {
                    listed.push((
                        name.to_string(),
                        arn.to_string(),
                        f.runtime().map(|v| v.as_str().to_string()),
                        f.package_type().map(|v| v.as_str().to_string()),
                    ));
                }
            }
        }
    );
    if let Err(e) = pages {
        return Collected::Failed(e);
    }
    let functions: Vec<LambdaFunction> = futures::stream::iter(listed)
        .map(|(name, arn, runtime, package_type)| async move {
            let (policy, urls) = tokio::join!(policy(client, r, &arn), urls(client, r, &arn));
            LambdaFunction {
                name,
                arn,
                runtime,
                package_type,
                policy,
                urls,
            }
        })
        .buffered(concurrency.max(1))
        .collect()
        .await;
    Collected::Ok(Lambda { functions })
}

/// The function's resource-based policy; `None` when it has none (ResourceNotFoundException).
async fn policy(client: &Client, r: Option<&str>, arn: &str) -> Collected<Option<String>> {
    match client.get_policy().function_name(arn).send().await {
        Ok(out) => Collected::Ok(out.policy().map(str::to_string)),
        Err(e) if error_code(&e) == Some("ResourceNotFoundException") => Collected::Ok(None),
        Err(e) => Collected::Failed(collection_error("lambda", "GetPolicy", r, Some(arn), &e)),
    }
}

async fn urls(client: &Client, r: Option<&str>, arn: &str) -> Collected<Vec<FunctionUrl>> {
    let mut out = Vec::new();
    let mut stream = client
        .list_function_url_configs()
        .function_name(arn)
        .into_paginator()
        .send();
    while let Some(page) = stream.next().await {
        match page {
            Ok(page) => out.extend(page.function_url_configs().iter().map(|c| FunctionUrl {
                url: c.function_url().to_string(),
                auth_type: c.auth_type().as_str().to_string(),
            })),
            Err(e) => {
                return Collected::Failed(collection_error(
                    "lambda",
                    "ListFunctionUrlConfigs",
                    r,
                    Some(arn),
                    &e,
                ));
            }
        }
    }
    Collected::Ok(out)
}
