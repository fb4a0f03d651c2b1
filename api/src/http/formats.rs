//! Response formats chosen by a `format` parameter.

/// Declares a response format: its wire names and how a parameter parses into it.
macro_rules! formats {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $wire:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, utoipa::ToSchema)]
        pub enum $name {
            $( #[schema(rename = $wire)] $variant ),+
        }

        impl std::str::FromStr for $name {
            type Err = String;

            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($wire => Ok($name::$variant),)+
                    _ => Err(format!("must be one of: {}", [$($wire),+].join(", "))),
                }
            }
        }
    };
}
pub(crate) use formats;
