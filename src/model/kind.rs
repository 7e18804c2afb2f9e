//! The kinds of value a figure or a table column holds.

use serde::Deserialize;

/// What sort of value a figure holds; decides how it is parsed, checked and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A whole number of things: 户, 人, 人次, 对, 例, 所, 家, 张, 具…
    Count,
    /// Money, kept exactly in 元; data may give 元 or 万元.
    Money,
    /// A percentage (the number before the %).
    Percent,
    /// A decimal measure with a unit: 亩, 平方米, 倍.
    Quantity,
    /// A calendar year, such as 2024.
    Year,
    /// A month, 1 to 12.
    Month,
    /// A date: 2024-07-05 or 2024年7月5日.
    Date,
    /// A word or name that belongs to the data (a county's name, an institution).
    Text,
}

impl Kind {
    /// The kind as the catalog writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Count => "count",
            Kind::Money => "money",
            Kind::Percent => "percent",
            Kind::Quantity => "quantity",
            Kind::Year => "year",
            Kind::Month => "month",
            Kind::Date => "date",
            Kind::Text => "text",
        }
    }
    /// Whether figures of this kind can be compared and summed.
    pub fn is_numeric(self) -> bool {
        matches!(self, Kind::Count | Kind::Money | Kind::Percent | Kind::Quantity | Kind::Year | Kind::Month)
    }
}
