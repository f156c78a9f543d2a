//! Known regions for Bedrock and Vertex AI, the per-model region variables Claude Code reads, and
//! the check that a typed region is shaped like one.
//!
//! Called by [`super::detect`] (the lists the screens offer) and by the screens through
//! [`super::validate_region`]. The lists are a convenience, not a gate: a well-formed region that
//! is not listed (a new one) is accepted.

use super::Provider;

/// AWS regions where Bedrock serves Anthropic models (the usual picks first).
pub const BEDROCK_REGIONS: &[&str] = &[
    "us-east-1",
    "us-west-2",
    "us-east-2",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-central-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-4",
    "ca-central-1",
    "sa-east-1",
    "us-gov-west-1",
    "us-gov-east-1",
];

/// Vertex AI locations (`global` first; Claude Code's default is `us-east5`). Which models each
/// one serves is listed in Vertex AI's Model Garden.
pub const VERTEX_REGIONS: &[&str] = &[
    "global",
    "us-east5",
    "us-central1",
    "us-east1",
    "us-east4",
    "us-west1",
    "us-west4",
    "europe-west1",
    "europe-west3",
    "europe-west4",
    "europe-west9",
    "asia-east1",
    "asia-northeast1",
    "asia-southeast1",
    "australia-southeast1",
];

/// Claude Code's default Bedrock region when nothing sets one.
pub const BEDROCK_DEFAULT_REGION: &str = "us-east-1";
/// Claude Code's default Vertex AI region (`CLOUD_ML_REGION` unset).
pub const VERTEX_DEFAULT_REGION: &str = "us-east5";

/// Per-model region variables Claude Code reads, with the model each one is for.
///
/// Bedrock: `ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION` (the Haiku-class model). Vertex AI: one
/// `VERTEX_REGION_*` per model family, used instead of `CLOUD_ML_REGION` for that model (for
/// models a `global` endpoint does not serve).
pub fn model_region_vars(provider: Provider) -> &'static [(&'static str, &'static str)] {
    match provider {
        Provider::Bedrock => &[(
            "ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION",
            "the small, fast (Haiku-class) model",
        )],
        Provider::Vertex => &[
            ("VERTEX_REGION_CLAUDE_HAIKU_4_5", "Claude Haiku 4.5"),
            ("VERTEX_REGION_CLAUDE_3_5_HAIKU", "Claude 3.5 Haiku"),
            ("VERTEX_REGION_CLAUDE_3_5_SONNET", "Claude 3.5 Sonnet"),
            ("VERTEX_REGION_CLAUDE_3_7_SONNET", "Claude 3.7 Sonnet"),
            ("VERTEX_REGION_CLAUDE_4_0_SONNET", "Claude Sonnet 4"),
            ("VERTEX_REGION_CLAUDE_4_5_SONNET", "Claude Sonnet 4.5"),
            ("VERTEX_REGION_CLAUDE_4_6_SONNET", "Claude Sonnet 4.6"),
            ("VERTEX_REGION_CLAUDE_4_0_OPUS", "Claude Opus 4"),
            ("VERTEX_REGION_CLAUDE_4_1_OPUS", "Claude Opus 4.1"),
            ("VERTEX_REGION_CLAUDE_4_5_OPUS", "Claude Opus 4.5"),
            ("VERTEX_REGION_CLAUDE_4_6_OPUS", "Claude Opus 4.6"),
            ("VERTEX_REGION_CLAUDE_4_7_OPUS", "Claude Opus 4.7"),
        ],
        Provider::Foundry => &[],
    }
}

/// The known regions of `provider`.
pub fn known(provider: Provider) -> &'static [&'static str] {
    match provider {
        Provider::Bedrock => BEDROCK_REGIONS,
        Provider::Vertex => VERTEX_REGIONS,
        Provider::Foundry => &[],
    }
}

/// Checks that `region` is shaped like a region of `provider`.
///
/// # Errors
/// A message that names the value's problem and what a region looks like; an availability zone
/// (`us-east-1a`, `us-east5-a`) is named as such with its region.
pub fn validate(provider: Provider, region: &str) -> Result<(), String> {
    let trimmed = region.trim();
    // Typed text may be anything, including a pasted secret: show at most a short prefix.
    let shown = crate::domain::secret::redact_tokens(&trimmed.chars().take(40).collect::<String>());
    if trimmed.is_empty() {
        return Err(String::from(
            "no region given: pick one from the list or type one",
        ));
    }
    if trimmed != trimmed.to_ascii_lowercase()
        && valid_shape(provider, &trimmed.to_ascii_lowercase())
    {
        return Err(format!(
            "`{shown}` has capital letters: regions are lower case, e.g. `{}`",
            trimmed.to_ascii_lowercase()
        ));
    }
    if valid_shape(provider, trimmed) {
        return Ok(());
    }
    match provider {
        Provider::Foundry => Err(String::from(
            "Microsoft Foundry has no region setting: choose the Azure resource (or base URL) \
             instead",
        )),
        Provider::Bedrock => {
            if let Some(base) = trimmed.strip_suffix(|c: char| c.is_ascii_lowercase())
                && valid_shape(provider, base)
            {
                return Err(format!(
                    "`{shown}` is an availability zone, not a region: use its region `{base}`"
                ));
            }
            Err(format!(
                "`{shown}` is not an AWS region: regions look like `us-east-1` or `eu-west-3`; \
                 pick one from the list"
            ))
        }
        Provider::Vertex => {
            if let Some((base, zone)) = trimmed.rsplit_once('-')
                && zone.len() == 1
                && valid_shape(provider, base)
            {
                return Err(format!(
                    "`{shown}` is a zone, not a region: use its region `{base}`"
                ));
            }
            Err(format!(
                "`{shown}` is not a Vertex AI region: regions look like `us-east5` or \
                 `europe-west1`, or `global`; pick one from the list"
            ))
        }
    }
}

fn valid_shape(provider: Provider, region: &str) -> bool {
    match provider {
        Provider::Bedrock => aws_shape(region),
        Provider::Vertex => region == "global" || gcp_shape(region),
        Provider::Foundry => false,
    }
}

/// `us-east-1`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`, `ap-southeast-4`: two letters,
/// words, a number.
fn aws_shape(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    let [country, middle @ .., number] = parts.as_slice() else {
        return false;
    };
    country.len() == 2
        && country.bytes().all(|b| b.is_ascii_lowercase())
        && !middle.is_empty()
        && middle.len() <= 2
        && middle
            .iter()
            .all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase()))
        && (1..=2).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// `us-east5`, `europe-west1`, `northamerica-northeast1`: a word, a dash, a word ending in digits.
fn gcp_shape(region: &str) -> bool {
    let Some((area, rest)) = region.split_once('-') else {
        return false;
    };
    let digits = rest.bytes().rev().take_while(u8::is_ascii_digit).count();
    let word = &rest[..rest.len() - digits];
    !area.is_empty()
        && area.bytes().all(|b| b.is_ascii_lowercase())
        && !word.is_empty()
        && word.bytes().all(|b| b.is_ascii_lowercase())
        && (1..=2).contains(&digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_region_validates() {
        for provider in [Provider::Bedrock, Provider::Vertex] {
            for region in known(provider) {
                assert_eq!(validate(provider, region), Ok(()), "{region}");
            }
        }
        for region in [
            "cn-north-1",
            "us-isob-east-1",
            "il-central-1",
            "mx-central-1",
        ] {
            assert_eq!(validate(Provider::Bedrock, region), Ok(()), "{region}");
        }
        for region in ["northamerica-northeast1", "me-central2", "europe-west12"] {
            assert_eq!(validate(Provider::Vertex, region), Ok(()), "{region}");
        }
    }

    #[test]
    fn regions_that_are_not_regions() {
        let error = validate(Provider::Bedrock, "us-east").unwrap_err();
        assert!(
            error.contains("not an AWS region") && error.contains("us-east-1"),
            "{error}"
        );
        let error = validate(Provider::Bedrock, "us-east-1a").unwrap_err();
        assert!(
            error.contains("availability zone") && error.contains("`us-east-1`"),
            "{error}"
        );
        let error = validate(Provider::Bedrock, "US-EAST-1").unwrap_err();
        assert!(
            error.contains("lower case") && error.contains("`us-east-1`"),
            "{error}"
        );
        let error = validate(Provider::Vertex, "us-east-1").unwrap_err();
        assert!(error.contains("not a Vertex AI region"), "{error}");
        let error = validate(Provider::Vertex, "us-east5-b").unwrap_err();
        assert!(
            error.contains("zone") && error.contains("`us-east5`"),
            "{error}"
        );
        assert!(
            validate(Provider::Vertex, "")
                .unwrap_err()
                .contains("no region")
        );
        assert!(
            validate(Provider::Foundry, "eastus")
                .unwrap_err()
                .contains("resource")
        );
        for bad in [
            "us_east_1",
            "-",
            "us--1",
            "u-east-1",
            "us-east-123",
            "us-east-1 ",
            "ｕｓ-east-1",
        ] {
            let _ = validate(Provider::Bedrock, bad);
            assert!(!aws_shape(bad), "{bad}");
        }
        // A pasted secret is not echoed whole.
        let long = "sk-ant-api03-".to_owned() + &"x".repeat(80);
        assert!(
            !validate(Provider::Bedrock, &long)
                .unwrap_err()
                .contains(&long)
        );
    }
}
