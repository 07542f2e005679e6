# Páginas de conexão e widget do Portico, em português do Brasil. Todos os idiomas têm as mesmas chaves.

## A lista

heading-connect-apps = Conecte seus apps
heading-connect-app = Conectar { $app }
heading-reconnect-app = Reconectar { $app }
lede = Escolha os apps que { $vendor } pode usar em seu nome. Você pode desconectar quando quiser.
signed-in-as = Você entrou como { $name }
logo-alt = Logotipo de { $vendor }
secured-by = Protegido pelo Portico
all-apps = Todos os apps
search-label = Buscar apps
search-placeholder = Nome, categoria ou finalidade
search-category = Categoria
search-all-categories = Todas as categorias
search-button = Buscar
count-all = { $total ->
    [0] Nenhum app
    [one] { $total } app
   *[other] { $total } apps
}
count-some = { $total ->
    [0] { $shown } de { $total } apps
    [one] { $shown } de { $total } app
   *[other] { $shown } de { $total } apps
}
empty-none = Ainda não há apps disponíveis aqui. Peça à equipe que enviou este link para ativar alguns.
empty-no-match = Nenhum app corresponde à sua busca. Tente outra palavra ou categoria.
categories = Categorias
connected-accounts = Contas conectadas
icon-alt = Ícone de { $app }
since = desde
expires-in = { $days ->
    [0] Expira hoje — reconecte agora
    [one] Expira em { $days } dia — reconecte agora
   *[other] Expira em { $days } dias — reconecte agora
}

## O que um botão fez

banner-connected = { $app } está conectado.
banner-disconnected = { $app } foi desconectado.
live-connected = { $app } está conectado.
live-not-connected = { $app } não está conectado. Tente novamente.
this-app = Este app
notice-unknown-app = { $app } não está mais disponível aqui.
notice-not-configured = { $app } ainda não está configurado. Peça à equipe que enviou este link para concluir a configuração.
notice-unavailable = O Portico não conseguiu acessar { $app } agora. Tente novamente em um minuto.
notice-needs-details = { $app } precisa de uma informação antes de você entrar. Confira o que você digitou e escolha Conectar novamente.

## Um cartão

badge-not-connected = Não conectado
badge-connected = Conectado
badge-reconnect-needed = Reconexão necessária
badge-turned-off = Desativado
flow-waiting = Aguardando você concluir o login…
flow-not-connected = Não conectado — tente novamente
flow-not-reconnected = Não reconectado — tente novamente
reason-credentials_expired = As credenciais que você informou expiraram. Informe novas credenciais para manter este app funcionando.
reason-token_revoked = O acesso à sua conta foi revogado. Reconecte para conceder acesso novamente.
reason-refresh_token_expired = Seu login expirou. Entre novamente para manter este app funcionando.
reason-app_uninstalled = O app foi desinstalado da sua conta. Reinstale-o para que ele continue funcionando.
reason-app_deleted = Este app foi desativado ou removido e, desde então, foi configurado novamente. Reconecte para usá-lo.
reason-turned-off = A equipe que enviou você até aqui desativou este app. Você poderá reconectar quando ele for ativado novamente.
action-connect = Conectar
action-connect-another = Conectar outra conta
action-reconnect = Reconectar
action-renew-credentials = Renovar acesso
action-sign-in-again = Entrar novamente
action-reinstall = Reinstalar
action-update-keys = Atualizar chaves
action-disconnect = Desconectar
action-on-app = { $action }: { $app }
action-disconnect-app = Desconectar { $app }

## Um formulário de chaves

optional = opcional
save-and-connect = Salvar e conectar
cancel = Cancelar
keys-unreachable = O Portico não conseguiu acessar { $app } para verificar essas credenciais. Nada foi salvo; tente novamente.
field-unknown = “{ $field }” não é um campo de { $app }.
field-rejected = { $app } recusou estas credenciais. Confira e tente novamente.
field-control-characters = O campo { $label } não pode conter caracteres de controle, como tabulações ou quebras de linha.
field-required = Preencha o campo { $label }.
field-too-long = O campo { $label } deve ter no máximo { $most } caracteres (o valor informado tem { $length }).
field-email = O campo { $label } deve conter um endereço de e-mail, como nome@exemplo.com.
field-url = O campo { $label } deve conter um endereço da web que comece com https://.
field-tel = O campo { $label } deve conter apenas dígitos, espaços e + - ( ).
field-number = O campo { $label } deve conter um número.
field-format = O campo { $label } não está no formato esperado.
field-format-like = O campo { $label } não está no formato esperado, que é parecido com { $example }.
field-subdomain = { $label }: use apenas letras, dígitos e hifens, com até 63 caracteres.

## Páginas que explicam por que não

home-heading = Portal de conexão do Portico
home-body = Este servidor conecta seus apps aos serviços que você usa. Para conectar um app, abra o link que você recebeu do produto que pediu a conexão.
not-found-heading = Página não encontrada
not-found-body = Não há nada neste endereço. Confira o link que você recebeu.
link-expired-heading = Este link expirou
link-expired-body = Os links de conexão funcionam por tempo limitado para manter suas contas seguras. Peça um novo link ao app que enviou você até aqui.
link-invalid-heading = Este link não é válido
link-invalid-body = O link pode estar incompleto ou ter sido digitado errado. Peça um novo link ao app que enviou você até aqui.
no-session-heading = Abra seu link de conexão novamente
no-session-body = Esta página só abre a partir do link de conexão que você recebeu, no mesmo navegador em que você o abriu. Abra esse link novamente ou peça um novo ao app que enviou você até aqui.
out-of-date-heading = Esta página está desatualizada
out-of-date-body = Ela foi aberta para outro link, então nada foi alterado. Recarregue a página.
unavailable-heading = Algo deu errado do nosso lado
unavailable-body = O Portico não conseguiu carregar seus apps agora. Tente novamente em um minuto.
