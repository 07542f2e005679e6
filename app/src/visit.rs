//! Whose list a page shows, and where its buttons send the browser.

/// Which page shows the app list, and so whose it is: the browser's hosted-page session, or
/// the embed token in the widget's address and forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visit {
    /// The hosted page. A page is rendered for the link the browser's session names then
    /// (`None` when loading it); every form on it carries that link's id back, so a button
    /// pressed on a page opened for another link is refused instead of acting for this one.
    Hosted(Option<String>),
    Embed(String),
}

impl Visit {
    /// A page's form fields: the embed token, or the id of the link the page was opened for.
    pub fn from_form(embed: Option<String>, link: Option<String>) -> Self {
        match embed {
            Some(token) => Self::Embed(token),
            None => Self::Hosted(Some(link.unwrap_or_default())),
        }
    }

    /// The address of the list itself.
    pub fn home(&self) -> String {
        match self {
            Self::Hosted(_) => "/connect".to_owned(),
            Self::Embed(token) => format!("/embed/{token}"),
        }
    }

    /// Where a button that was refused sends the browser: a page that says why when the list
    /// it was pressed on is out of date, the list otherwise.
    pub fn after_refusal(&self, error: &crate::PortalError) -> String {
        match error {
            crate::PortalError::OutOfDate => OUT_OF_DATE_PATH.to_owned(),
            _ => self.home(),
        }
    }

    /// The embed token, for the hidden field of every form in the widget.
    pub fn embed_token(&self) -> Option<String> {
        match self {
            Self::Hosted(_) => None,
            Self::Embed(token) => Some(token.clone()),
        }
    }

    /// The link id, for the hidden field of every form on the hosted page.
    pub fn link_id(&self) -> Option<String> {
        match self {
            Self::Hosted(link) => link.clone(),
            Self::Embed(_) => None,
        }
    }
}

/// The page that says a hosted page's button was pressed on a list opened for another link.
pub const OUT_OF_DATE_PATH: &str = "/connect/out-of-date";
