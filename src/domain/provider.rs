//! The 3rd-party platforms Claude Code can use, as plain names and the variables that select
//! them (what the machine has for each is read by `crate::providers`).

/// One of the 3rd-party platforms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    /// Amazon Bedrock.
    Bedrock,
    /// Google Vertex AI.
    Vertex,
    /// Microsoft Foundry (Azure).
    Foundry,
}

impl Provider {
    /// Every provider, in the order the chooser lists them.
    pub fn all() -> [Provider; 3] {
        [Provider::Bedrock, Provider::Vertex, Provider::Foundry]
    }

    /// The product name.
    pub fn label(self) -> &'static str {
        match self {
            Provider::Bedrock => "Amazon Bedrock",
            Provider::Vertex => "Google Vertex AI",
            Provider::Foundry => "Microsoft Foundry",
        }
    }

    /// The switch that selects it: `CLAUDE_CODE_USE_BEDROCK`, `_VERTEX`, `_FOUNDRY`.
    pub fn env_var(self) -> &'static str {
        match self {
            Provider::Bedrock => "CLAUDE_CODE_USE_BEDROCK",
            Provider::Vertex => "CLAUDE_CODE_USE_VERTEX",
            Provider::Foundry => "CLAUDE_CODE_USE_FOUNDRY",
        }
    }

    /// The name `ccauth login --method` takes: `bedrock`, `vertex`, `foundry`.
    pub fn method_name(self) -> &'static str {
        match self {
            Provider::Bedrock => "bedrock",
            Provider::Vertex => "vertex",
            Provider::Foundry => "foundry",
        }
    }

    /// The variable a typed secret for this provider would go in, if it has one
    /// (`AWS_BEARER_TOKEN_BEDROCK`, `ANTHROPIC_FOUNDRY_API_KEY`).
    pub fn secret_var(self) -> Option<&'static str> {
        match self {
            Provider::Bedrock => Some("AWS_BEARER_TOKEN_BEDROCK"),
            Provider::Vertex => None,
            Provider::Foundry => Some("ANTHROPIC_FOUNDRY_API_KEY"),
        }
    }

    /// The settings key holding the command Claude Code runs when the provider's credentials
    /// have expired (`awsAuthRefresh`, `gcpAuthRefresh`).
    pub fn refresh_key(self) -> Option<&'static str> {
        match self {
            Provider::Bedrock => Some("awsAuthRefresh"),
            Provider::Vertex => Some("gcpAuthRefresh"),
            Provider::Foundry => None,
        }
    }
}
