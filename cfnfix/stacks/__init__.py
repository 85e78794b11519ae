"""The commands about deployed stacks and their tests: `cfnfix outputs` and `cfnfix tests`."""
