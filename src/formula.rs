//! Derived figures: a catalog entry may compute its value from other figures instead of reading
//! it (`formula: 低保.城市人数 / 低保.人数 * 100`). The operators are `+ - * /` and brackets,
//! evaluated exactly on the figures' values in their base units (money in 元, 万人 as 人); the
//! result is rounded once, to the figure's decimals, when the report writes it.

use rust_decimal::Decimal;
use rust_i18n::t;

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
    pub fn parse(text: &str) -> Result<Expr, String> {
        let tokens = tokenize(text)?;
        let mut parser = Parser { tokens, at: 0, text };
        let expr = parser.sum()?;
        if parser.at < parser.tokens.len() {
            return Err(t!("formula.unexpected", formula = text, token = parser.tokens[parser.at].shown()).into());
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
    pub fn eval(&self, value: &dyn Fn(&str) -> Option<Decimal>) -> Result<Decimal, String> {
        match self {
            Expr::Number(n) => Ok(*n),
            Expr::Figure(name) => value(name).ok_or_else(|| t!("formula.no_value", name = name).into()),
            Expr::Negate(e) => Ok(-e.eval(value)?),
            Expr::Binary(a, op, b) => {
                let (x, y) = (a.eval(value)?, b.eval(value)?);
                let result = match op {
                    '+' => x.checked_add(y),
                    '-' => x.checked_sub(y),
                    '*' => x.checked_mul(y),
                    _ => {
                        if y.is_zero() {
                            return Err(t!("formula.divide_by_zero", divisor = b.shown()).into());
                        }
                        x.checked_div(y)
                    }
                };
                result.ok_or_else(|| t!("formula.overflow").into())
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

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let folded =
        crate::units::fold_width(text).replace(['（'], "(").replace(['）'], ")").replace('×', "*").replace('÷', "/");
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
            let value = number.parse().map_err(|_| t!("formula.bad_number", formula = text, number = number))?;
            tokens.push(Token::Number(value));
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.') {
                i += 1;
            }
            tokens.push(Token::Name(chars[start..i].iter().collect::<String>().trim_end_matches('.').to_string()));
        } else {
            return Err(t!("formula.bad_character", formula = text, character = c.to_string()).into());
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

    fn sum(&mut self) -> Result<Expr, String> {
        let mut left = self.product()?;
        while let Some(Token::Op(op @ ('+' | '-'))) = self.peek().cloned() {
            self.at += 1;
            left = Expr::Binary(Box::new(left), op, Box::new(self.product()?));
        }
        Ok(left)
    }

    fn product(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        while let Some(Token::Op(op @ ('*' | '/'))) = self.peek().cloned() {
            self.at += 1;
            left = Expr::Binary(Box::new(left), op, Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if let Some(Token::Op('-')) = self.peek() {
            self.at += 1;
            return Ok(Expr::Negate(Box::new(self.unary()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, String> {
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
                    _ => Err(t!("formula.unclosed", formula = self.text).into()),
                }
            }
            Some(other) => Err(t!("formula.unexpected", formula = self.text, token = other.shown()).into()),
            None => Err(t!("formula.incomplete", formula = self.text).into()),
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
        assert!(Expr::parse("批次.上次 / a.零").unwrap().eval(&values).is_err());
        assert!(Expr::parse("批次.上次 +").is_err());
        assert!(Expr::parse("(批次.上次 + 1").is_err());
        assert!(Expr::parse("批次.上次 % 2").is_err());
        assert!(Expr::parse("批次.上次 2").is_err());
    }
}
