"""cfn-lint's findings as cfnfix findings, fixers for them, and cfn-lint's check of the fixes (``--cfn-lint``)."""
