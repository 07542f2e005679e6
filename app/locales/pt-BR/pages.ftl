# Páginas próprias do Portico (resultados do login, páginas de início e de escolha, recusas).

## A página de início do login (/oauth/start).

signin-start-heading = Conectar { $app } a { $org }
signin-start-body = Para { $account }. { $app } vai pedir que você entre na sua conta e permita o acesso de { $org }.
signin-start-continue = Continuar para { $app }
signin-start-note = Se você não pediu para conectar { $app }, feche esta janela: nada será conectado.
signin-start-from-app-again = Volte ao app de onde você veio e escolha Conectar novamente.
signin-already-started-heading = Este login já foi iniciado
signin-already-started-body = Cada login só pode ser continuado uma vez, em um único navegador.
signin-try-again-body = Tente novamente em um minuto.

## Os resultados do login (/oauth/callback).

signin-connected-heading = Conectado
signin-connected-body = { $app } está conectado. Você pode fechar esta aba.
signin-back-to-apps = Voltar aos seus apps
signin-start-again = Volte à lista de apps e escolha Conectar novamente.
signin-app-gone-heading = Este app não está mais disponível
signin-app-gone-body = A equipe que enviou você até aqui o removeu.
signin-not-configured-heading = { $app } ainda não está configurado
signin-not-configured-body = A equipe que enviou você até aqui precisa concluir a configuração.
signin-cancelled-heading = Você cancelou a conexão
signin-cancelled-body = Nada foi conectado e { $app } não recebeu nenhum acesso. Você pode conectá-lo quando quiser.
signin-refused-heading = { $app } não permitiu a conexão
signin-refused-body = A resposta foi: { $reason }
signin-exchange-heading = { $app } não aceitou o login
signin-exchange-body = O Portico não conseguiu concluir a conexão. Isso costuma ser temporário.
signin-other-browser-heading = Este login foi iniciado em outro navegador
signin-other-browser-body = Para sua segurança, um login só pode ser concluído no navegador em que foi iniciado. Nada foi conectado.
signin-other-browser-again = Abra seu link de conexão neste navegador e escolha Conectar novamente.
signin-replayed-heading = Este login já foi usado
signin-replayed-body = Cada login funciona uma única vez. Se você recarregou esta página, talvez seu app já esteja conectado.
signin-expired-heading = Este login expirou
signin-expired-body = O login precisa ser concluído em até 10 minutos.
signin-wrong-issuer-heading = Esta resposta veio de outro app
signin-wrong-issuer-body = A resposta ao login veio de um provedor diferente do app que você escolheu, por isso o Portico a ignorou.
signin-missing-code-heading = O app não enviou nenhuma autorização
signin-missing-code-body = O provedor retornou sem um código de autorização.
signin-invalid-heading = Este login não é válido
signin-invalid-body = O Portico não iniciou este login, ou o endereço dele foi alterado no caminho.
signin-unavailable-heading = Algo deu errado do nosso lado
signin-unavailable-body = O Portico não conseguiu concluir a conexão. Tente novamente em um minuto.

## Uma reconexão em que se entrou com outra conta, e a escolha que ela pede.

signin-other-account-heading = Você entrou com outra conta
signin-other-account-body = Você entrou como { $signed_in }, mas esta conexão é para { $expected }. Entre como { $expected } ou mantenha { $signed_in } como outra conexão.
signin-other-account-sign-in = Entrar como { $expected }
signin-other-account-keep = Manter { $signed_in } como outra conexão
signin-other-account-note = A conta { $expected } ainda precisa ser reconectada. Se você não mantiver { $signed_in }, o acesso dessa conta a { $app } será revogado em 10 minutos.
signin-choose-invalid-heading = Escolha um dos dois botões
signin-choose-invalid-body = Mantenha a outra conta ou entre novamente.
signin-choice-expired-heading = Esta escolha expirou
signin-choice-expired-body = As escolhas ficam guardadas por 10 minutos e só podem ser feitas uma vez. Nada foi conectado.
signin-choice-expired-again = Volte à lista de apps e escolha Reconectar outra vez.

## Um link de conexão hospedado (/connect/…).

link-reload = Recarregar
link-switch-heading = Abrir este link de conexão?
link-switch-current = Você está conectando apps para { $whom } neste momento.
link-switch-warning = Outro site enviou você para um link de conexão diferente. Se você abri-lo, a página aberta para { $whom } deixará de funcionar neste navegador.
link-switch-open = Abrir este link
link-switch-back = Voltar para { $whom }

## A janela de login do widget quando um login não pôde começar.

widget-nothing-heading = Não há login a fazer aqui
widget-start-again = Volte à lista de apps e escolha Conectar novamente.
widget-close-window = Você pode fechar esta janela.
widget-cannot-connect-heading = Não é possível conectar este app agora

## Recusas antes de qualquer página.

limit-heading = Muitas solicitações
limit-body = Este endereço fez mais solicitações do que o Portico permite em um minuto. Aguarde { $seconds } segundos e tente novamente.
cross-site-heading = Esta solicitação veio de outro site
cross-site-body = O Portico só aceita este formulário quando enviado das próprias páginas, então nada foi alterado.
cross-site-again = Se você queria fazer isso, abra seu link de conexão novamente e use a página que aparecer.
page-too-large-heading = Isso é mais do que este formulário aceita
page-too-large-key-form = Um formulário de chaves aceita até 16 KB. Nada foi salvo.
page-too-large-body = O Portico aceita até 64 KB aqui. Nada foi alterado.
page-too-large-again = Volte, confira o que você colou e tente novamente.
