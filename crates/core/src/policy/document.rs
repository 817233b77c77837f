use std::collections::BTreeMap;

use serde_json::Value;

/// Largest document posture analyses. IAM's own limits are far lower (bucket policies: 20 KB),
/// so anything bigger is rejected as "could not be analysed" rather than processed.
pub const MAX_DOCUMENT_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub version: Option<String>,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// `Action`/`NotAction`/`Resource`/`NotResource` values: one string or a list.
#[derive(Debug, Clone, PartialEq)]
pub struct NameList(pub Vec<String>);

#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    /// `"Principal": "*"`: everyone, including anonymous callers.
    Everyone,
    /// `{"AWS": [...], "Service": [...], "Federated": [...], "CanonicalUser": [...]}`.
    Typed(BTreeMap<String, Vec<String>>),
}

impl Principal {
    /// True for `"*"` and for `{"AWS": "*"}` (which AWS treats as everyone too).
    pub fn is_wildcard(&self) -> bool {
        match self {
            Principal::Everyone => true,
            Principal::Typed(map) => map
                .iter()
                .any(|(k, vs)| k == "AWS" && vs.iter().any(|v| v == "*")),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Position in the document (0-based), for evidence.
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<Principal>,
    pub not_principal: Option<Principal>,
    pub action: Option<NameList>,
    pub not_action: Option<NameList>,
    pub resource: Option<NameList>,
    pub not_resource: Option<NameList>,
    pub conditions: Vec<Condition>,
}

impl Statement {
    /// A short human label: `Statement[2] (Sid "PublicRead")`.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(sid) if !sid.is_empty() => format!("Statement[{}] (Sid \"{sid}\")", self.index),
            _ => format!("Statement[{}]", self.index),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConditionOperator {
    /// The operator as written, e.g. `ForAnyValue:StringLikeIfExists`.
    pub raw: String,
    /// The base operator, e.g. `StringLike`.
    pub base: String,
    pub if_exists: bool,
    pub set_qualifier: Option<SetQualifier>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub operator: ConditionOperator,
    /// Condition key as written (keys are case-insensitive; compare with `key_is`).
    pub key: String,
    pub values: Vec<String>,
}

impl Condition {
    pub fn key_is(&self, key: &str) -> bool {
        self.key.eq_ignore_ascii_case(key)
    }
}

const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

/// Why a document could not be analysed, with the JSON path where it broke.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParseError {
    #[error("policy is {size} bytes, more than the {MAX_DOCUMENT_BYTES} bytes posture analyses")]
    TooLarge { size: usize },
    #[error("policy is not valid JSON (line {line}, column {column}): {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("policy is not a valid IAM policy at {path}: {message}")]
    Invalid { path: String, message: String },
}

fn invalid(path: impl Into<String>, message: impl Into<String>) -> ParseError {
    ParseError::Invalid {
        path: path.into(),
        message: message.into(),
    }
}

/// Parse a policy document. Never panics, whatever the input.
pub fn parse(text: &str) -> Result<Policy, ParseError> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(ParseError::TooLarge { size: text.len() });
    }
    let value: Value = serde_json::from_str(text).map_err(|e| ParseError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let obj = value
        .as_object()
        .ok_or_else(|| invalid("$", "the document must be a JSON object"))?;
    let mut version = None;
    let mut id = None;
    let mut statement_value = None;
    for (k, v) in obj {
        match k.as_str() {
            "Version" => version = Some(expect_string(v, "Version")?),
            "Id" => id = Some(expect_string(v, "Id")?),
            "Statement" => statement_value = Some(v),
            other => return Err(invalid("$", format!("unknown top-level element `{other}`"))),
        }
    }
    if let Some(v) = &version
        && v != "2012-10-17"
        && v != "2008-10-17"
    {
        return Err(invalid(
            "Version",
            format!("unknown policy language version `{v}`"),
        ));
    }
    let statement_value =
        statement_value.ok_or_else(|| invalid("$", "the document has no `Statement`"))?;
    let statements = match statement_value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, s)| parse_statement(i, s, &format!("Statement[{i}]")))
            .collect::<Result<Vec<_>, _>>()?,
        Value::Object(_) => vec![parse_statement(0, statement_value, "Statement")?],
        _ => {
            return Err(invalid(
                "Statement",
                "must be an object or a list of objects",
            ));
        }
    };
    Ok(Policy {
        version,
        id,
        statements,
    })
}

fn expect_string(v: &Value, path: &str) -> Result<String, ParseError> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| invalid(path, "must be a string"))
}

fn string_list(v: &Value, path: &str) -> Result<Vec<String>, ParseError> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| expect_string(item, &format!("{path}[{i}]")))
            .collect(),
        _ => Err(invalid(path, "must be a string or a list of strings")),
    }
}

fn parse_statement(index: usize, v: &Value, path: &str) -> Result<Statement, ParseError> {
    let obj = v
        .as_object()
        .ok_or_else(|| invalid(path, "a statement must be an object"))?;
    let mut st = Statement {
        index,
        sid: None,
        effect: Effect::Allow,
        principal: None,
        not_principal: None,
        action: None,
        not_action: None,
        resource: None,
        not_resource: None,
        conditions: Vec::new(),
    };
    let mut effect = None;
    for (k, val) in obj {
        let p = format!("{path}.{k}");
        match k.as_str() {
            "Sid" => st.sid = Some(expect_string(val, &p)?),
            "Effect" => {
                effect = Some(match val.as_str() {
                    Some("Allow") => Effect::Allow,
                    Some("Deny") => Effect::Deny,
                    _ => return Err(invalid(p, "must be \"Allow\" or \"Deny\"")),
                })
            }
            "Principal" => st.principal = Some(parse_principal(val, &p)?),
            "NotPrincipal" => st.not_principal = Some(parse_principal(val, &p)?),
            "Action" => st.action = Some(NameList(string_list(val, &p)?)),
            "NotAction" => st.not_action = Some(NameList(string_list(val, &p)?)),
            "Resource" => st.resource = Some(NameList(string_list(val, &p)?)),
            "NotResource" => st.not_resource = Some(NameList(string_list(val, &p)?)),
            "Condition" => st.conditions = parse_conditions(val, &p)?,
            other => return Err(invalid(path, format!("unknown element `{other}`"))),
        }
    }
    st.effect = effect.ok_or_else(|| invalid(path, "statement has no `Effect`"))?;
    if st.action.is_some() == st.not_action.is_some() {
        return Err(invalid(
            path,
            "a statement needs exactly one of `Action` and `NotAction`",
        ));
    }
    if st.resource.is_some() && st.not_resource.is_some() {
        return Err(invalid(
            path,
            "a statement cannot have both `Resource` and `NotResource`",
        ));
    }
    if st.principal.is_some() && st.not_principal.is_some() {
        return Err(invalid(
            path,
            "a statement cannot have both `Principal` and `NotPrincipal`",
        ));
    }
    Ok(st)
}

fn parse_principal(v: &Value, path: &str) -> Result<Principal, ParseError> {
    match v {
        Value::String(s) if s == "*" => Ok(Principal::Everyone),
        Value::String(_) => Err(invalid(
            path,
            "a string principal must be \"*\"; use {\"AWS\": ...} for accounts and ARNs",
        )),
        Value::Object(map) => {
            let mut out = BTreeMap::new();
            for (k, val) in map {
                let p = format!("{path}.{k}");
                match k.as_str() {
                    "AWS" | "Service" | "Federated" | "CanonicalUser" => {
                        let values = string_list(val, &p)?;
                        check_principal_values(k, &values, &p)?;
                        out.insert(k.clone(), values);
                    }
                    other => {
                        return Err(invalid(path, format!("unknown principal type `{other}`")));
                    }
                }
            }
            Ok(Principal::Typed(out))
        }
        _ => Err(invalid(path, "must be \"*\" or an object")),
    }
}

/// IAM does not let a wildcard match part of a principal: the only wildcard principals are `"*"`
/// and `{"AWS": "*"}` (IAM User Guide, "AWS JSON policy elements: Principal"). A value such as
/// `arn:aws:iam::*:root` or a `CanonicalUser` of `*` is rejected by IAM and Access Analyzer's
/// ValidatePolicy; posture reports it as "could not be analysed" rather than guessing a meaning.
fn check_principal_values(kind: &str, values: &[String], path: &str) -> Result<(), ParseError> {
    for (i, v) in values.iter().enumerate() {
        let wildcard = v.contains('*') || v.contains('?');
        let legal = match kind {
            "AWS" => v == "*" || !wildcard,
            "CanonicalUser" => !wildcard,
            _ => true,
        };
        if !legal {
            let at = if values.len() > 1 {
                format!("{path}[{i}]")
            } else {
                path.to_string()
            };
            return Err(invalid(
                at,
                format!(
                    "`{v}` is not a legal {kind} principal: a wildcard cannot match part of a principal (use Principal \"*\" with a condition such as aws:PrincipalArn instead)"
                ),
            ));
        }
    }
    Ok(())
}

fn parse_operator(raw: &str, path: &str) -> Result<ConditionOperator, ParseError> {
    let (set_qualifier, rest) = if let Some(r) = raw.strip_prefix("ForAnyValue:") {
        (Some(SetQualifier::ForAnyValue), r)
    } else if let Some(r) = raw.strip_prefix("ForAllValues:") {
        (Some(SetQualifier::ForAllValues), r)
    } else {
        (None, raw)
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(b) if b != "Null" => (b, true),
        _ => (rest, false),
    };
    if !OPERATORS.contains(&base) {
        // Operator names are spelled as the policy grammar lists them; only condition key names
        // are documented as case-insensitive. A differently cased operator is not guessed at.
        let hint = OPERATORS
            .iter()
            .find(|o| o.eq_ignore_ascii_case(base))
            .map(|o| format!(" (operator names are case-sensitive: `{o}`?)"))
            .unwrap_or_default();
        return Err(invalid(
            path,
            format!("unknown condition operator `{raw}`{hint}"),
        ));
    }
    Ok(ConditionOperator {
        raw: raw.to_string(),
        base: base.to_string(),
        if_exists,
        set_qualifier,
    })
}

fn scalar_to_string(v: &Value, path: &str) -> Result<String, ParseError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(invalid(
            path,
            "a condition value must be a string, number or boolean",
        )),
    }
}

fn parse_conditions(v: &Value, path: &str) -> Result<Vec<Condition>, ParseError> {
    let ops = v
        .as_object()
        .ok_or_else(|| invalid(path, "must be an object of operators"))?;
    let mut out = Vec::new();
    for (op, keys) in ops {
        let p = format!("{path}.{op}");
        let operator = parse_operator(op, &p)?;
        let keys = keys
            .as_object()
            .ok_or_else(|| invalid(&p, "must be an object of condition keys"))?;
        for (key, values) in keys {
            let kp = format!("{p}.{key}");
            let values = match values {
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| scalar_to_string(item, &format!("{kp}[{i}]")))
                    .collect::<Result<Vec<_>, _>>()?,
                other => vec![scalar_to_string(other, &kp)?],
            };
            out.push(Condition {
                operator: operator.clone(),
                key: key.clone(),
                values,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_statement_object_and_single_values() {
        let p = parse(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#).unwrap();
        assert_eq!(p.statements.len(), 1);
        assert_eq!(p.statements[0].principal, Some(Principal::Everyone));
        assert_eq!(
            p.statements[0].action,
            Some(NameList(vec!["s3:GetObject".into()]))
        );
    }

    #[test]
    fn typed_principals_and_conditions() {
        let p = parse(r#"{"Statement":[{"Effect":"Deny","Principal":{"AWS":["*"],"Service":"ec2.amazonaws.com"},"NotAction":["s3:Get*"],"Resource":["*"],"Condition":{"ForAnyValue:StringLikeIfExists":{"aws:PrincipalOrgID":["o-*", "o-1"]},"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:TlsVersion":1.2}}}]}"#).unwrap();
        let s = &p.statements[0];
        assert!(s.principal.as_ref().unwrap().is_wildcard());
        assert_eq!(s.conditions.len(), 3);
        let c = s
            .conditions
            .iter()
            .find(|c| c.key_is("aws:principalorgid"))
            .unwrap();
        assert!(c.operator.if_exists);
        assert_eq!(c.operator.base, "StringLike");
        assert_eq!(c.operator.set_qualifier, Some(SetQualifier::ForAnyValue));
        let b = s
            .conditions
            .iter()
            .find(|c| c.key_is("aws:SecureTransport"))
            .unwrap();
        assert_eq!(b.values, vec!["false".to_string()]);
    }

    #[test]
    fn errors_say_where() {
        let e = parse(
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*"},{"Effect":"Maybe","Action":"*"}]}"#,
        )
        .unwrap_err();
        assert_eq!(
            e,
            ParseError::Invalid {
                path: "Statement[1].Effect".into(),
                message: "must be \"Allow\" or \"Deny\"".into()
            }
        );
        let e = parse("{\"Statement\": [").unwrap_err();
        assert!(matches!(e, ParseError::Json { line: 1, .. }), "{e:?}");
        let e = parse(r#"{"Statement":{"Effect":"Allow","Action":"*","Condition":{"StringMaybe":{"a":"b"}}}}"#).unwrap_err();
        assert!(
            e.to_string()
                .contains("unknown condition operator `StringMaybe`"),
            "{e}"
        );
        let e = parse(
            r#"{"Statement":{"Effect":"Allow","Principal":"arn:aws:iam::1:root","Action":"*"}}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("Statement.Principal"), "{e}");
        assert!(matches!(
            parse("[]").unwrap_err(),
            ParseError::Invalid { .. }
        ));
        let big = format!("{{\"Statement\":[{}]}}", "1,".repeat(200_000));
        assert!(matches!(
            parse(&big).unwrap_err(),
            ParseError::TooLarge { .. }
        ));
    }

    #[test]
    fn null_if_exists_is_not_a_suffix() {
        // `Null` has no IfExists form; `NullIfExists` is not a legal operator.
        assert!(parse(r#"{"Statement":{"Effect":"Allow","Action":"*","Condition":{"NullIfExists":{"a":"true"}}}}"#).is_err());
    }
}
