"""AWS facts as data: service-linked roles, output-worthy types, globally named resources."""
