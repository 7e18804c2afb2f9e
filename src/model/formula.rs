//! Derived figures: a catalog entry may compute its value from other figures instead of reading
//! it (`formula: 低保.城市人数 / 低保.人数 * 100`). The operators are `+ - * /` and brackets,
//! evaluated exactly on the figures' values in their base units (money in 元, 万人 as 人); the
//! result is rounded once, to the figure's decimals, when the report writes it.

use rust_decimal::Decimal;
use rust_i18n::t;

/// Why a formula cannot be read or evaluated; shown in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormulaError {
    /// A number that is not one (`1.2.3`).
    #[error("{}", t!("formula.bad_number", formula = .formula, number = .number))]
    BadNumber {
        /// The formula as written.
        formula: String,
        /// The number as written.
        number: String,
    },
    /// A character that no formula holds.
    #[error("{}", t!("formula.bad_character", formula = .formula, character = .character.to_string()))]
    BadCharacter {
        /// The formula as written.
        formula: String,
        /// The character.
        character: char,
    },
    /// A bracket opened and never closed.
    #[error("{}", t!("formula.unclosed", formula = .0))]
    Unclosed(String),
    /// A token where none of its kind may stand.
    #[error("{}", t!("formula.unexpected", formula = .formula, token = .token))]
    Unexpected {
        /// The formula as written.
        formula: String,
        /// The token, as written back.
        token: String,
    },
    /// The formula ends where an operand is due.
    #[error("{}", t!("formula.incomplete", formula = .0))]
    Incomplete(String),
    /// A figure the evaluation was given no value for.
    #[error("{}", t!("formula.no_value", name = .0))]
    NoValue(String),
    /// A division by a part that is zero.
    #[error("{}", t!("formula.divide_by_zero", divisor = .0))]
    DivideByZero(String),
    /// A result beyond exact decimals.
    #[error("{}", t!("formula.overflow"))]
    Overflow,
}

/// A derived figure's formula: the text as the catalog writes it, and its parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    /// As written, for messages and the figure's sources.
    pub text: String,
    /// Parsed.
    pub expr: Expr,
}

impl Formula {
    /// Parses a catalog's `formula:`.
    pub fn parse(text: &str) -> Result<Formula, FormulaError> {
        Ok(Formula { text: text.to_string(), expr: Expr::parse(text)? })
    }
}

/// A parsed formula.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number written in the formula.
    Number(Decimal),
    /// Another figure, by name.
    Figure(String),
    /// `-x`.
    Negate(Box<Expr>),
    /// `a op b`.
    Binary(Box<Expr>, char, Box<Expr>),
}

impl Expr {
    /// Parses a formula; the error says what is wrong in words.
    pub fn parse(text: &str) -> Result<Expr, FormulaError> {
        let tokens = tokenize(text)?;
        let mut parser = Parser { tokens, at: 0, text };
        let expr = parser.sum()?;
        if parser.at < parser.tokens.len() {
            return Err(FormulaError::Unexpected {
                formula: text.to_string(),
                token: parser.tokens[parser.at].shown(),
            });
        }
        Ok(expr)
    }

    /// The figures the formula reads, in order of first use.
    pub fn names(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect(&self, out: &mut Vec<String>) {
        match self {
            Expr::Number(_) => {}
            Expr::Figure(name) => {
                if !out.contains(name) {
                    out.push(name.clone());
                }
            }
            Expr::Negate(e) => e.collect(out),
            Expr::Binary(a, _, b) => {
                a.collect(out);
                b.collect(out);
            }
        }
    }

    /// Evaluates exactly; `value` gives each figure's value. Division by zero and overflow are
    /// errors, never a rounded or infinite result.
    pub fn eval(&self, value: &dyn Fn(&str) -> Option<Decimal>) -> Result<Decimal, FormulaError> {
        match self {
            Expr::Number(n) => Ok(*n),
            Expr::Figure(name) => value(name).ok_or_else(|| FormulaError::NoValue(name.clone())),
            Expr::Negate(e) => Ok(-e.eval(value)?),
            Expr::Binary(a, op, b) => {
                let (x, y) = (a.eval(value)?, b.eval(value)?);
                let result = match op {
                    '+' => x.checked_add(y),
                    '-' => x.checked_sub(y),
                    '*' => x.checked_mul(y),
                    _ => {
                        if y.is_zero() {
                            return Err(FormulaError::DivideByZero(b.shown()));
                        }
                        x.checked_div(y)
                    }
                };
                result.ok_or(FormulaError::Overflow)
            }
        }
    }

    /// The expression as written back, for messages.
    fn shown(&self) -> String {
        match self {
            Expr::Number(n) => n.normalize().to_string(),
            Expr::Figure(name) => name.clone(),
            Expr::Negate(e) => format!("-{}", e.shown()),
            Expr::Binary(a, op, b) => format!("({} {op} {})", a.shown(), b.shown()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(Decimal),
    Name(String),
    Op(char),
    Open,
    Close,
}

impl Token {
    fn shown(&self) -> String {
        match self {
            Token::Number(n) => n.to_string(),
            Token::Name(n) => n.clone(),
            Token::Op(c) => c.to_string(),
            Token::Open => "(".into(),
            Token::Close => ")".into(),
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<Token>, FormulaError> {
    let folded = crate::values::units::fold_width(text)
        .replace(['（'], "(")
        .replace(['）'], ")")
        .replace('×', "*")
        .replace('÷', "/");
    let chars: Vec<char> = folded.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if matches!(c, '+' | '-' | '*' | '/') {
            tokens.push(Token::Op(c));
            i += 1;
        } else if c == '(' {
            tokens.push(Token::Open);
            i += 1;
        } else if c == ')' {
            tokens.push(Token::Close);
            i += 1;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let number: String = chars[start..i].iter().collect();
            let value = number
                .parse()
                .map_err(|_| FormulaError::BadNumber { formula: text.to_string(), number: number.clone() })?;
            tokens.push(Token::Number(value));
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.') {
                i += 1;
            }
            tokens.push(Token::Name(chars[start..i].iter().collect::<String>().trim_end_matches('.').to_string()));
        } else {
            return Err(FormulaError::BadCharacter { formula: text.to_string(), character: c });
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    tokens: Vec<Token>,
    at: usize,
    text: &'a str,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn sum(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.product()?;
        while let Some(Token::Op(op @ ('+' | '-'))) = self.peek().cloned() {
            self.at += 1;
            left = Expr::Binary(Box::new(left), op, Box::new(self.product()?));
        }
        Ok(left)
    }

    fn product(&mut self) -> Result<Expr, FormulaError> {
        let mut left = self.unary()?;
        while let Some(Token::Op(op @ ('*' | '/'))) = self.peek().cloned() {
            self.at += 1;
            left = Expr::Binary(Box::new(left), op, Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, FormulaError> {
        if let Some(Token::Op('-')) = self.peek() {
            self.at += 1;
            return Ok(Expr::Negate(Box::new(self.unary()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, FormulaError> {
        let token = self.peek().cloned();
        self.at += 1;
        match token {
            Some(Token::Number(n)) => Ok(Expr::Number(n)),
            Some(Token::Name(name)) => Ok(Expr::Figure(name)),
            Some(Token::Open) => {
                let inner = self.sum()?;
                match self.peek() {
                    Some(Token::Close) => {
                        self.at += 1;
                        Ok(inner)
                    }
                    _ => Err(FormulaError::Unclosed(self.text.to_string())),
                }
            }
            Some(other) => Err(FormulaError::Unexpected { formula: self.text.to_string(), token: other.shown() }),
            None => Err(FormulaError::Incomplete(self.text.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn formulas_evaluate_exactly_with_precedence_and_brackets() {
        let values = |name: &str| match name {
            "低保.城市人数" => Some(d("7200")),
            "低保.人数" => Some(d("20750")),
            "批次.上次" => Some(d("3")),
            "a.零" => Some(Decimal::ZERO),
            _ => None,
        };
        let e = Expr::parse("低保.城市人数 / 低保.人数 * 100").unwrap();
        assert_eq!(e.names(), vec!["低保.城市人数", "低保.人数"]);
        assert_eq!(e.eval(&values).unwrap().round_dp(4), d("34.6988"));
        assert_eq!(Expr::parse("批次.上次 + 1").unwrap().eval(&values).unwrap(), d("4"));
        assert_eq!(Expr::parse("(批次.上次 + 1) * 2 - -1").unwrap().eval(&values).unwrap(), d("9"));
        assert_eq!(Expr::parse("0.1 + 0.2").unwrap().eval(&values).unwrap(), d("0.3"));
        let text = |s: &str| s.to_string();
        assert_eq!(
            Expr::parse("批次.上次 / a.零").unwrap().eval(&values),
            Err(FormulaError::DivideByZero(text("a.零")))
        );
        assert_eq!(Expr::parse("批次.上次 +"), Err(FormulaError::Incomplete(text("批次.上次 +"))));
        assert_eq!(Expr::parse("(批次.上次 + 1"), Err(FormulaError::Unclosed(text("(批次.上次 + 1"))));
        assert_eq!(
            Expr::parse("批次.上次 % 2"),
            Err(FormulaError::BadCharacter { formula: text("批次.上次 % 2"), character: '%' })
        );
        assert_eq!(
            Expr::parse("批次.上次 2"),
            Err(FormulaError::Unexpected { formula: text("批次.上次 2"), token: text("2") })
        );
    }
}
