//! Closed sets: enums whose wire name, parse and listing are generated once.
//!
//! Wire names are matched as `tt`, not `literal`: a `literal` fragment reaches derive macros
//! wrapped in an invisible group, and utoipa then ignores the `serde(rename)`.

/// Declares an enum of a closed set with its `snake_case` wire names: `as_str`, `ALL`,
/// `Display`, `FromStr` (naming `$field` on failure) and serde that uses the same names.
#[macro_export]
macro_rules! closed_set {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident for $field:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:tt ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $wire)] $variant ),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire),+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::DomainError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($wire => Ok($name::$variant),)+
                    _ => Err($crate::DomainError::invalid(
                        $field,
                        format!("must be one of: {}", [$($wire),+].join(", ")),
                    )),
                }
            }
        }
    };
}
