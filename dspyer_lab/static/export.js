var S,ut,wn,K,Re,me,pt,he,ft,Fe,Ie,Sn,le=Symbol.for("pv"),ge={},ve=[],Cn=/^m(i|n|o|s|text|space)$/,ze=Array.isArray,qe=ve.slice,Z=Object.assign;function Y(t){t&&t.parentNode&&t.remove()}function P(t,e,n){var s,a,o,r={},l=arguments.length;for(o in e)o=="key"?s=e[o]:o=="ref"&&typeof t!="function"?a=e[o]:r[o]=e[o];return l>2&&(r.children=l>3?qe.call(arguments,2):n),oe(t,r,s,a,null)}function oe(t,e,n,s,a){var o={type:t,props:e,key:n,ref:s,__k:null,__:null,__b:0,__e:null,__c:null,constructor:le,__v:a||++ut,__i:-1,__u:0};return!a&&S.vnode&&S.vnode(o),o}function ye(t){return t.children}function _e(t,e){this.props=t,this.context=e,this.__g=0}function V(t,e){if(e==null)return t.__&&V(t.__,t.__i+1);for(var n;e<t.__k.length;e++)if((n=t.__k[e])&&n.__e)return n.__e;return typeof t.type!="function"||t.props.__P?null:V(t)}function An(t){var e,n=t.__v,s=n.__e,a=[],o=[],r=t.__P;r&&((e=Z({constructor:le},n)).__v=n.__v+1,S.vnode&&S.vnode(e),Ue(r,e,n,t.__n,r.namespaceURI,32&n.__u?[s]:null,a,s||V(n),32&n.__u,o),e.__v=n.__v,e.__.__k[e.__i]=e,gt(a,e,o),n.__=n.__e=null,e.__e!=s&&$t(e))}function $t(t){if((t=t.__)&&t.__c&&!t.props.__P)return t.__e=null,t.__k.some(function(e){return e&&(t.__e=e.__e)}),$t(t)}function dt(t){(8&t.__g||(t.__g|=8,K.push(t),me++))&&Re==S.debounceRendering||((Re=S.debounceRendering)||queueMicrotask)(ht)}function ht(){try{for(var t,e=1;K.length;)K.length>e&&K.sort(pt),t=K.shift(),e=K.length,8&t.__g&&An(t)}finally{(me=K.length)&&(Re||queueMicrotask)(ht)}}function _t(t,e,n,s,a,o,r,l,i,d,c){var u,f,p,g,h,b,v=s.__k||ve,$=e.length;for(i=Tn(n,e,v,i,$),u=0;u<$;u++)(p=n.__k[u])!=null&&(f=~p.__i&&v[p.__i]||ge,p.__i=u,b=Ue(t,p,f,a,o,r,l,i,d,c),g=p.__e,(f.ref!=p.ref||8&f.__u)&&(f.ref&&He(f.ref,null,p,f),p.ref&&c.push(p.ref,p.__c||g,p)),h=h||g,4&p.__u?(i=bt(p,i,t,!f.__v),f.__e&&(f.__e=null)):typeof p.type=="function"&&b!==void 0?i=b:g&&(i=g.nextSibling),p.__u&=-21);return n.__e=h,i}function Tn(t,e,n,s,a){var o,r,l,i,d,c,u,f,p,g=n.length,h=g,b=0,v=0,$=t.__k=Array(a);for(o=0;o<a;o++)(r=e[o])!=null&&typeof r!="boolean"&&typeof r!="function"?(typeof r!="object"||r.constructor===String?r=$[o]=oe(null,r):ze(r)?r=$[o]=oe(ye,{children:r}):r.constructor===le&&r.__b?r=$[o]=oe(r.type,r.props,r.key,r.ref,r.__v):$[o]=r,i=o+b,r.__=t,r.__b=t.__b+1,l=null,~(d=r.__i=Mn(r,n,i,h))&&(h--,(l=n[d])&&(l.__u|=2)),l&&l.__v?(r.__u|=16,d==i-1?b--:d==i+1?b++:d!=i&&(d>i?b--:b++,v=1)):(~d||(a>g?b--:a<g&&b++),typeof r.type!="function"&&(r.__u|=4))):$[o]=null;if(v){for(c=[],u=[],o=0;o<a;o++)if((r=$[o])&&16&r.__u){for(b=0,f=c.length;b<f;)c[p=b+f>>1]<r.__i?b=p+1:f=p;c[b]=r.__i,u[o]=b+1}for(b=c.length;o--;)u[o]&&(u[o]==b?b--:$[o].__u|=4)}if(h)for(o=0;o<g;o++)!(l=n[o])||2&l.__u||(l.__e==s&&(s=V(l)),Ge(l,l));return s}function bt(t,e,n,s){var a,o,r,l;if(typeof t.type=="function"){if(t.props.__P)return e;if(a=t.__k)for(o=0;o<a.length;o++)a[o]&&(a[o].__=t,e=bt(a[o],e,n,!1));return e}for(e&&!e.parentNode&&(e=V(t))&&!e.parentNode&&(e=null),r=t.__e,l=e;l&&l.nodeType==8;)l=l.nextSibling;for(r!=l&&(!s&&n.moveBefore&&r.parentNode?n.moveBefore(r,e):n.insertBefore(r,e||null)),e=r;(e=e&&e.nextSibling)&&e.nodeType==8&&!e.data.startsWith("$s"););return e}function Mn(t,e,n,s){var a,o=t.key,r=t.type,l=e[n],i=l&&!(2&l.__u);if(l===null&&o==null||i&&o==l.key&&r==l.type)return n;if(s>(i?1:0)){for(a=n-1;a>=0;a--)if((l=e[a])&&!(2&l.__u)&&o==l.key&&r==l.type)return a;for(a=n+1;a<e.length;a++)if((l=e[a])&&!(2&l.__u)&&o==l.key&&r==l.type)return a}return-1}function ct(t,e,n){n==null&&(n=""),e[0]=="-"?t.setProperty(e,n):t[e]=n}function $e(t,e,n,s,a){var o,r;if(e=="style")if(typeof n=="string")t.style.cssText=n;else{if(typeof s=="string"&&(t.style.cssText=s=""),s)for(e in s)n&&e in n||ct(t.style,e);if(n)for(e in n)s&&n[e]==s[e]||ct(t.style,e,n[e])}else if(e[0]=="o"&&e[1]=="n")typeof n!="function"&&(n=null),typeof s!="function"&&(s=null),(t.__e||(t.__e={}))[e]=n,n&&s||(r=Ie[e]||(Ie[e]=En(e)),(t.__a||(t.__a={}))[e]=Fe,o=e!=(e=e.replace(ft,"$1")),(e=e.slice(2))[0]<"a"&&(e=e.toLowerCase()),n?t.addEventListener(e,r,o):t.removeEventListener(e,r,o));else{if(a=="http://www.w3.org/2000/svg")e=e.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(e!="width"&&e!="height"&&e!="href"&&e!="list"&&e!="form"&&e!="tabIndex"&&e!="download"&&e!="rowSpan"&&e!="colSpan"&&e!="role"&&e!="popover"&&e in t)try{return void(t[e]=n??"")}catch{}if(typeof n=="function")return;n==null||n===!1&&e[4]!="-"?t.removeAttribute(e):t.setAttribute(e,e=="popover"&&n==1?"":n)}}function En(t){return function(e){var n=this.__e;if(n){if(n=n[t],e[he]==null)e[he]=Fe++;else if(e[he]<this.__a[t])return;return n(S.event?S.event(e):e)}}}function Ue(t,e,n,s,a,o,r,l,i,d){var c,u,f,p,g,h,b,v,$,_,y,D,R,T,q,fe,J,X,W=e.type;if(e.constructor!==le)return null;128&n.__u&&(i=32&n.__u,c=n.__c.__z)&&(e.__u|=i,u=o=[],c.nodeType==8?l=be(c,o):o.push(c),l=o[0]||l),(c=S.__b)&&c(e);e:if(typeof W=="function"){f=r.length;try{if(v=e.props,$=(c=W.prototype)&&c.render,_=(c=W.contextType)&&s[c.__c],y=c?_?_.props.value:c.__:s,(p=n.__c)?(e.__c=p,2&p.__g&&(p.__g|=1)):($?e.__c=p=new W(v,y):(e.__c=p=new _e(v,y),p.constructor=W,p.render=On),_&&_.sub(p),p.state||(p.state={}),p.__n=s,p.__g|=8,p.__h=[],p.__k=[]),$&&(p.__s||(p.__s=p.state),W.getDerivedStateFromProps&&(p.__s==p.state&&(p.__s=Z({},p.__s)),Z(p.__s,W.getDerivedStateFromProps(v,p.__s)))),g=p.props,h=p.state,p.__v=e,n.__c){if(v!==g&&$&&!W.getDerivedStateFromProps&&p.componentWillReceiveProps&&p.componentWillReceiveProps(v,y),e.__v==n.__v&&!(8&p.__g)||!(4&p.__g)&&p.shouldComponentUpdate&&p.shouldComponentUpdate(v,p.__s,y)===!1){e.__v!=n.__v&&(p.props=v,p.state=p.__s,p.__g&=-9),e.__e=n.__e,e.__k=n.__k,e.__k.some(function(U){U&&(U.__=e)}),ve.push.apply(p.__h,p.__k),p.__k=[],p.__h.length&&r.push(p),l=V(n);break e}p.componentWillUpdate&&p.componentWillUpdate(v,p.__s,y),$&&p.componentDidUpdate&&p.__h.push(function(){p.componentDidUpdate(g,h,b)})}else $&&!W.getDerivedStateFromProps&&p.componentWillMount&&p.componentWillMount(),$&&p.componentDidMount&&p.__h.push(p.componentDidMount);p.context=y,p.props=v,p.__P=t,p.__g&=-5,D=S.__r,R=$?25:0;do p.__g&=-9,D&&D(e),c=p.render(p.props,p.state=p.__s,p.context);while(8&p.__g&&++R<25);$&&(ve.push.apply(p.__h,p.__k),p.__k=[]),p.state=p.__s,p.getChildContext&&(s=Z({},s,p.getChildContext())),$&&n.__c&&p.getSnapshotBeforeUpdate&&(b=p.getSnapshotBeforeUpdate(g,h)),T=c&&c.type===ye&&c.key==null?c.props.children:c,v.__P&&(c=l,a=(t=v.__P).namespaceURI,i=o=null,n.props&&n.props.__P!=t&&(n.__k.some(function(U){U&&Ge(U,U)}),n.__k=null),l=n.__k?V(n,0):null),l=_t(t,ze(T)?T:[T],e,n,s,a,o,r,l,i,d),v.__P&&(e.__e=null,l=c),e.__u&=-161,u&&u.some(Y),p.__h.length&&r.push(p),1&p.__g&&(p.__g&=-4)}catch(U){if(r.length=f,e.__v=null,i||o)if(U&&U.then){if(e.__u|=128|i,o){for(~(J=o.indexOf(l||void 0))||(J=o.length);(X=o[J-1])&&X.nodeType==8;)J--;for(;J<o.length;J++)if(X=o[J])if(o[J]=null,q){if(X==fe)break}else{if(X.nodeType!=8)break;X.data.startsWith("$s")&&(fe=be(q=X))}}if(!q){for(;l&&l.nodeType==8&&l.nextSibling;)l=l.nextSibling;q=l}(c=be(q=e.__c.__z||(e.__c.__z=q)))?(e.__e=q,l=c):e.__e=l,l=l&&l.nextSibling}else o&&o.some(Y);else e.__e=n.__e;e.__k||(e.__k=n.__k||[]),U&&U.then||mt(e),S.__e(U,e,n)}}else l=e.__e=Pn(n.__e,e,n,s,a,o,r,i,d,t);return(c=S.diffed)&&c(e),l}function be(t,e){if(t&&t.nodeType==8&&t.data.startsWith("$s"))for(var n=1;t=t.nextSibling;){if(t.nodeType==8){if(t.data.startsWith("$s"))n++;else if(t.data.startsWith("/$s")&&!--n)return t}e&&e.push(t)}}function mt(t){t&&(t.__c&&(t.__c.__g|=4),t.__k&&t.__k.some(mt))}function gt(t,e,n){for(var s=0;s<n.length;)He(n[s++],n[s++],n[s++]);S.__c&&S.__c(e,t),t.some(function(a){try{t=a.__h,a.__h=[],t.some(function(o){o.call(a)})}catch(o){S.__e(o,a.__v)}})}function Pn(t,e,n,s,a,o,r,l,i,d){var c,u,f,p,g,h,b,v,$=n.props||ge,_=e.props,y=e.type;if(y=="svg"?a="http://www.w3.org/2000/svg":y=="math"?a="http://www.w3.org/1998/Math/MathML":a||(a="http://www.w3.org/1999/xhtml"),o){for(c=0;c<o.length;c++)if((g=o[c])&&(y?g.localName==y:g.nodeType==3)){t=g,o[c]=null;break}}if(!t){if(v=d.ownerDocument||document,!y)return v.createTextNode(_);t=v.createElementNS(a,y,_.is?_:d),l&&(S.__m&&S.__m(e,o),l=!1),o=null}if(y){if(d=y=="template"&&t.content||t,o=y=="textarea"&&_.defaultValue!=null?null:o&&qe.call(d.childNodes),!l&&o)for($={},c=0;c<t.attributes.length;c++)$[(g=t.attributes[c]).name]=g.value;for(c in $)g=$[c],c=="dangerouslySetInnerHTML"?f=g:c=="children"||c in _||c=="value"&&"defaultValue"in _||c=="checked"&&"defaultChecked"in _||$e(t,c,null,g,a);for(c in _)g=_[c],c=="children"?p=g:c=="dangerouslySetInnerHTML"?u=g:c=="value"?h=g:c=="checked"?b=g:l&&typeof g!="function"||$[c]===g||$e(t,c,g,$[c],a);u?(l||f&&(u.__html==f.__html||u.__html==t.innerHTML)||(t.innerHTML=u.__html),e.__k=[]):(f&&(t.textContent=""),(y=="foreignObject"||a=="http://www.w3.org/1998/Math/MathML"&&Cn.test(y))&&(a="http://www.w3.org/1999/xhtml"),_t(d,ze(p)?p:[p],e,n,s,a,o,r,o?o[0]:n.__k&&V(n,0),l,i),o&&o.some(Y)),l&&y!="textarea"||(c="value",y=="progress"&&h==null?t.removeAttribute(c):h==null||h===t[c]&&(y!="progress"||h)||$e(t,c,h,$[c],a),c="checked",b!=null&&b!=t[c]&&$e(t,c,b,$[c],a))}else $===_||l&&t.data==_||(t.data=_);return t}function He(t,e,n,s){try{typeof t=="function"?e?e.__x=t(e)||1:s&&(s=s.__c||s.__e)&&(e=s.__x)&&(s.__x=null,typeof e=="function"?e():t(null)):t.current=e}catch(a){S.__e(a,n)}}function Ge(t,e,n){var s,a,o,r;if(S.unmount&&S.unmount(t),!(s=t.ref)||s.current&&s.current!=t.__e||He(s,null,e,t),s=t.__c){if(s.componentWillUnmount)try{s.componentWillUnmount()}catch(l){S.__e(l,e)}s.__P=s.__n=null}if(s=t.__k)for(r=0;r<s.length;r++)s[r]&&Ge(s[r],e,typeof t.type!="function"||n&&!t.props.__P);!n&&(s=t.__c)&&(s=s.__z)&&(a=be(s,o=[]))&&(s==t.__e&&o.some(Y),Y(a),Y(s)),n||Y(t.__e),t.__e=t.__c=t.__=null}function On(t,e,n){return this.constructor(t,n)}function We(t,e){var n,s,a,o;S.__&&S.__(t,e),e.nodeType==9&&(e=e.documentElement),s=(n=t&&32&t.__u)?null:e.__k,e.__k=oe(ye,{children:[t]}),a=[],o=[],Ue(e,e.__k,s||ge,ge,e.namespaceURI,s?null:e.firstChild?qe.call(e.childNodes):null,a,s?s.__e:e.firstChild,n,o),gt(a,e.__k,o),e.__k.props.children=null}S={__e:function(t,e,n,s){for(var a,o,r;e=e.__;)if((a=e.__c)&&!(1&a.__g)){a.__g|=4;try{if((r=(o=a.constructor)&&o.getDerivedStateFromError)&&a.setState(o.getDerivedStateFromError(t)),a.componentDidCatch&&(a.componentDidCatch(t,s||{}),r=1),r&&8&a.__g)return void(a.__g|=2)}catch(l){t=l}}throw me=0,t}},ut=0,wn=function(t){return t!=null&&t.constructor===le},_e.prototype.setState=function(t,e){var n=this.__s;n&&n!=this.state||(n=this.__s=Z({},this.state)),typeof t=="function"&&(t=t(Z({},n),this.props)),t&&(Z(n,t),this.__v&&(e&&this.__k.push(e),dt(this)))},_e.prototype.forceUpdate=function(t){this.__v&&(this.__g|=4,t&&this.__h.push(t),dt(this))},_e.prototype.render=ye,K=[],me=0,pt=function(t,e){return t.__v.__b-e.__v.__b},he=Symbol(),ft=/(PointerCapture)$|Capture$/i,Fe=0,Ie={},Sn=0;var ee,O,Je,vt,Ke=Object.is,ke=0,Mt=[],Ve=[],M=S,yt=M.__b,kt=M.__r,xt=M.diffed,wt=M.__c,St=M.unmount,Ct=M.__;function xe(t,e){M.__h&&M.__h(O,t,ke||e),ke=0;var n=O.__H||(O.__H={__:[],__h:[]});return t>=n.__.length&&n.__.push({}),n.__[t]}function C(t){return ke=1,Nn(Et,t)}function Nn(t,e,n){var s=xe(ee++,2);if(s.t=t,!s.__c&&(s.__=[n?n(e):Et(void 0,e),function(o){var r=(s.__N||s.__)[0],l=s.t(r,o);Ke(r,l)||(s.__N=[l,s.__[1]],s.__c.setState({}))}],s.__c=O,!O.__f)){O.__f=!0;var a=O.shouldComponentUpdate;O.shouldComponentUpdate=function(o,r,l){var i=this.__H;if(!i)return!0;var d=!1,c=this.props!=o;if(i.__.some(function(f){f.__N&&(d=!0,Ke(f.__[0],f.__N[0])||(c=!0))}),a){var u=a.call(this,o,r,l);return d?u||c:u}return!d||c}}return s.__}function L(t,e){var n=xe(ee++,3);!M.__s&&Ye(n.__H,e)&&(n.__P=!0,n.__=t,n.u=e,O.__H.__h.push(n))}function te(t,e){var n=xe(ee++,4);!M.__s&&Ye(n.__H,e)&&(n.__P=!1,n.__=t,n.u=e,O.__h.push(n))}function I(t){return ke=5,A(function(){return{current:t}},[])}function A(t,e){var n=xe(ee++,7);return Ye(n.__H,e)&&(n.__=t(),n.__H=e),n.__}function jn(){var t;do{for(;t=Ve.shift();)try{re(t)}catch(n){M.__e(n,{__:(t=t.__P)&&t.__v})}for(;t=Mt.shift();){var e=t.__H;if(t.__P&&e)try{e.__h.some(re),e.__h.some(Xe),e.__h=[]}catch(n){e.__h=[],M.__e(n,t.__v)}}}while(Ve.length)}M.__b=function(t){O=null,yt&&yt(t)},M.__=function(t,e){t&&e.__k&&e.__k.__m&&(t.__m=e.__k.__m),Ct&&Ct(t,e)},M.__r=function(t){kt&&kt(t),ee=0;var e=(O=t.__c).__H;e&&(Je==O?O.__h=[]:(e.__h.some(re),e.__h.some(Xe),ee=0),e.__h=[],e.__.some(function(n){n.__N&&(n.__=n.__N),n.u=n.__N=void 0})),Je=O},M.diffed=function(t){xt&&xt(t);var e=t.__c;e&&e.__H&&(e.__H.__h.length&&Tt(Mt.push(e)),e.__H.__.some(function(n){n.u&&(n.__H=n.u)})),Je=O=null},M.__c=function(t,e){e.some(function(n){try{n.__h.some(re),n.__h=n.__h.filter(function(s){return!s.__||Xe(s)})}catch(s){n.__h=[function(){throw s}]}}),wt&&wt(t,e)},M.unmount=function(t){St&&St(t);var e,n,s=t.__c;s&&s.__H&&(s.__H.__.some(function(a){try{if(a.__P&&a.__c){if(n===void 0){for(n=t.__;n&&(!n.__c||!n.__c.__P);)n=n.__;n=n&&n.__c}a.__P=n,Tt(Ve.push(a))}else re(a)}catch(o){e=o}}),s.__H=void 0,e&&M.__e(e,s.__v))};var At=typeof requestAnimationFrame=="function";function Bn(t){var e,n=function(){clearTimeout(s),At&&cancelAnimationFrame(e),setTimeout(t)},s=setTimeout(n,35);At&&(e=requestAnimationFrame(n))}function Tt(t){t!=1&&vt==M.requestAnimationFrame||((vt=M.requestAnimationFrame)||Bn)(jn)}function re(t){var e=O,n=t.__c;typeof n=="function"&&(t.__c=void 0,n()),O=e}function Xe(t){var e=O;t.__c=t.__(),O=e}function Ye(t,e){return!t||t.length!=e.length||e.some(function(n,s){return!Ke(n,t[s])})}function Et(t,e){return typeof e=="function"?e(t):e}var Ot=function(t,e,n,s){var a;e[0]=0;for(var o=1;o<e.length;o++){var r=e[o++],l=e[o]?(e[0]|=r?1:2,n[e[o++]]):e[++o];r===3?s[0]=l:r===4?s[1]=Object.assign(s[1]||{},l):r===5?(s[1]=s[1]||{})[e[++o]]=l:r===6?s[1][e[++o]]+=l+"":r?(a=t.apply(l,Ot(t,l,n,["",null])),s.push(a),l[0]?e[0]|=2:(e[o-2]=0,e[o]=a)):s.push(l)}return s},Pt=new Map;function N(t){var e=Pt.get(this);return e||(e=new Map,Pt.set(this,e)),(e=Ot(this,e.get(t)||(e.set(t,e=(function(n){for(var s,a,o=1,r="",l="",i=[0],d=function(f){o===1&&(f||(r=r.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?i.push(0,f,r):o===3&&(f||r)?(i.push(3,f,r),o=2):o===2&&r==="..."&&f?i.push(4,f,0):o===2&&r&&!f?i.push(5,0,!0,r):o>=5&&((r||!f&&o===5)&&(i.push(o,0,r,a),o=6),f&&(i.push(o,f,0,a),o=6)),r=""},c=0;c<n.length;c++){c&&(o===1&&d(),d(c));for(var u=0;u<n[c].length;u++)s=n[c][u],o===1?s==="<"?(d(),i=[i],o=3):r+=s:o===4?r==="--"&&s===">"?(o=1,r=""):r=s+r[0]:l?s===l?l="":r+=s:s==='"'||s==="'"?l=s:s===">"?(d(),o=1):o&&(s==="="?(o=5,a=r,r=""):s==="/"&&(o<5||n[c][u+1]===">")?(d(),o===3&&(i=i[0]),o=i,(i=i[0]).push(2,0,o),o=0):s===" "||s==="	"||s===`
`||s==="\r"?(d(),o=2):r+=s),o===3&&r==="!--"&&(o=4,i=i[0])}return d(),i})(t)),e),arguments,[])).length>1?e:e[0]}var we=Symbol.for("dspyer-lab.viz"),Se=Symbol.for("dspyer-lab.viz.pending"),Ze=3e3;function Dn(t){let e=URL.createObjectURL(new Blob([t],{type:"text/javascript"}));return import(e).finally(()=>URL.revokeObjectURL(e))}function Ln(){let t={askedAt:-1/0,asked:new WeakSet,settled:!1};return t.promise=new Promise((e,n)=>{t.resolve=e,t.reject=n}),t.promise.then(()=>{t.settled=!0},()=>{t.settled=!0,globalThis[we]===t.promise&&(delete globalThis[we],delete globalThis[Se])}),globalThis[we]=t.promise,globalThis[Se]=t,t}function Rn(t,e){e.asked.add(t),e.askedAt=Date.now();function n(s,a){if(!s||s.type!=="runtime"||(t.off("msg:custom",n),e.settled))return;let o=a&&a[0];if(!o){e.reject(new Error(s.error||"the kernel sent no Graphviz runtime"));return}Dn(o).then(r=>r.instance()).then(e.resolve,e.reject)}t.on("msg:custom",n);try{t.send({type:"need-runtime"})}catch{}}function Nt(){let t=globalThis[Se];return!t||!t.settled}function Qe(t){let e=globalThis[Se];return(!globalThis[we]||!e)&&(e=Ln()),!e.settled&&!e.asked.has(t)&&Date.now()-e.askedAt>Ze&&Rn(t,e),e.promise}var In="http://www.w3.org/2000/svg",Fn=["fill","fill-opacity","stroke","stroke-width","stroke-dasharray","stroke-opacity","opacity"],zn=["font-family","font-size","font-weight","font-style"],qn=["tabindex","role","aria-label","data-selected","style","class"];function Un(t,e){let n=t.ownerDocument&&t.ownerDocument.defaultView;if(!n||!t.isConnected)return;let s=[t,...t.querySelectorAll("*")],a=[e,...e.querySelectorAll("*")];for(let o=0;o<s.length&&o<a.length;o++){let r=s[o],l=a[o],i=n.getComputedStyle(r),d=i.display==="none"||i.visibility==="hidden";for(let f of qn)l.removeAttribute(f);if(d){l.setAttribute("display","none");continue}let c=r.localName;if(["ellipse","polygon","path","polyline","rect","circle","line","text"].includes(c))for(let f of Fn)l.setAttribute(f,i.getPropertyValue(f));if(c==="text")for(let f of zn)l.setAttribute(f,i.getPropertyValue(f))}}function Hn(t){let e=t.cloneNode(!0);Un(t,e),e.setAttribute("xmlns",In);let n=t.closest&&t.closest(".dspyer-graphview"),s=t.ownerDocument&&t.ownerDocument.defaultView;if(n&&s&&n.isConnected){let a=s.getComputedStyle(n).getPropertyValue("--dl-bg").trim(),o=e.querySelector("g.graph > polygon");a&&o&&o.setAttribute("fill",a)}return new XMLSerializer().serializeToString(e)}var jt=new WeakMap,Gn=60;function Ce(t,e,n=0){if(!e)return;if(!e.isConnected){n<Gn&&requestAnimationFrame(()=>Ce(t,e,n+1));return}let s=Hn(e);jt.get(t)!==s&&(jt.set(t,s),t.send({type:"snapshot",svg:s}))}function Ae(t,e,n={_picture:"_open_picture",_panel:"_open_panel"}){let s=new Map,a=r=>{let l=/^change:(.*)$/.exec(r);return l?`change:${n[l[1]]??l[1]}`:r},o=(r,l)=>r!=="msg:custom"?l:(s.has(l)||s.set(l,(i,d)=>{i&&(i.to===e||i.type==="runtime")&&l(i,d)}),s.get(l));return{get:r=>r==="_still"?"":t.get(n[r]??r),on:(r,l)=>t.on(a(r),o(r,l)),off:(r,l)=>t.off(a(r),o(r,l)),send:(r,...l)=>t.send(r&&r.type==="need-runtime"?r:{...r,to:e},...l)}}var F=N.bind(P),Bt={index:"#",summary:"inputs",status:"status",score:"score",attempts:"attempts",duration:"duration",error_type:"error"},Wn={all:"all examples",failures:"failures only",failed:"failed",rate_limited:"rate-limited",cancelled:"cancelled",running:"running",finished:"finished"},Jn={failure_rate:"share of visits (each shade 20%)",retry_rate:"share of visits (each shade 20%)",visits:"relative to the busiest node",p50:"relative to the slowest node",p95:"relative to the slowest node"};function Kn({model:t,panel:e}){let n=e.progress||{},s=e.stop||{},a=n.total||0,o=l=>`${a?100*l/a:0}%`,r=(n.done||0)-(n.failed||0)-(n.rate_limited||0);return F`<div class="dl-toolbar dl-batch-progress">
    <button class="dl-stop" disabled=${!s.enabled} title=${s.hint||""}
      onClick=${()=>t.send({type:"stop"})}>■ Stop</button>
    <div class="dl-bar" role="progressbar" aria-valuemin="0" aria-valuemax=${a} aria-valuenow=${n.done||0}
      data-done=${n.done||0} data-total=${a}>
      <span class="dl-bar-ok" style=${{width:o(r)}}></span>
      <span class="dl-bar-failed" style=${{width:o((n.failed||0)+(n.rate_limited||0))}}></span>
    </div>
    <span class="dl-status" title=${[n.text,e.store].filter(Boolean).join(`
`)}
      data-stored=${e.store||void 0}>${n.text||""}</span>
  </div>`}function Vn({measure:t,label:e}){return F`<div class="dl-legend" aria-label="legend">
    <span class="dl-key">${e}: ${Jn[t]||""}</span>
    ${[0,1,2,3,4,5].map(n=>F`<span class="dl-key" data-heat=${n}>
      <span class="dl-swatch"></span>${n===0?"none":""}</span>`)}
    <span class="dl-key" data-path="true"><span class="dl-line"></span>edge width: times taken</span>
  </div>`}function Xn({panel:t,measure:e}){let n=t.nodes||[];if(!n.length)return null;let s=["visits","retry_rate","failure_rate","model_retries","p50","p95"],a={visits:"visits",retry_rate:"retry rate",failure_rate:"failure rate",model_retries:"model retries",p50:"p50",p95:"p95"};return F`<div class="dl-scroll"><table class="dl-table dl-nodes">
    <thead><tr><th>node</th>${s.map(o=>F`<th data-measure=${o}
      data-chosen=${o===e?"true":void 0}>${a[o]}</th>`)}</tr></thead>
    <tbody>${n.map(o=>F`<tr data-node=${o.node}><th scope="row">${o.node}</th>
      ${s.map(r=>F`<td data-measure=${r} data-chosen=${r===e?"true":void 0}>${o[r]}</td>`)}
    </tr>`)}</tbody>
  </table></div>`}function Yn(t,e){return String(e==="index"?t.index:t[e]??"")}function Zn({model:t,panel:e}){let n=e.examples;if(!n)return null;let s=n.query||{},a=l=>t.send({type:"table",...l}),o=l=>a({sort:l,descending:s.sort===l?!s.descending:!1}),r=l=>l.kept&&t.send({type:"open",index:l.index});return F`<div class="dl-examples">
    <div class="dl-pager">
      <label class="dl-pick">show
        <select class="dl-filter" value=${s.filter} onChange=${l=>a({filter:l.currentTarget.value})}>
          ${(n.filters||[]).map(l=>F`<option value=${l}>${Wn[l]||l}</option>`)}
        </select></label>
      <button class="dl-prev" disabled=${!(s.page>0)} onClick=${()=>a({page:s.page-1})}>◀ previous</button>
      <button class="dl-next" disabled=${!(s.page+1<n.pages)}
        onClick=${()=>a({page:s.page+1})}>next ▶</button>
      <span class="dl-position">${n.position}</span>
    </div>
    <div class="dl-scroll"><table class="dl-table dl-example-table">
      <thead><tr>${n.columns.map(l=>F`<th data-col=${l}
        aria-sort=${s.sort===l?s.descending?"descending":"ascending":"none"}>
        <button class="dl-sort" title=${`sort by ${Bt[l]||l}`} onClick=${()=>o(l)}>
          ${Bt[l]||l}${s.sort===l?s.descending?" ▼":" ▲":""}</button></th>`)}</tr></thead>
      <tbody>${n.rows.map(l=>F`<tr class="dl-example" data-index=${l.index} data-status=${l.status}
        data-kept=${l.kept?"true":"false"} data-open=${l.open?"true":void 0}
        tabindex=${l.kept?"0":void 0} role=${l.kept?"button":void 0}
        title=${l.kept?`open example ${l.index}${l.error?`: ${l.error}`:""}`:"events not kept (not sampled)"}
        onClick=${()=>r(l)} onKeyDown=${i=>i.key==="Enter"&&r(l)}>
        ${n.columns.map(i=>F`<td data-col=${i}>${Yn(l,i)}</td>`)}
      </tr>`)}</tbody>
    </table></div>
  </div>`}function Qn({model:t,panel:e,Lab:n,example:s}){return e.opened===null||e.opened===void 0||!t.get("_open_panel")?null:F`<div class="dl-opened" data-index=${e.opened}>
    <div class="dl-opened-bar">
      <span class="dl-title">Example ${e.opened}</span>
      <button class="dl-close" onClick=${()=>t.send({type:"close-example"})}>✕ close</button>
    </div>
    <${n} key=${e.opened} model=${s} />
  </div>`}function Dt({model:t,views:e,useTrait:n}){let{GraphPane:s,Lab:a}=e,o=n(t,"_layout")||{},r=n(t,"_picture")||{},l=n(t,"_panel")||"{}";n(t,"_open_panel");let i=A(()=>JSON.parse(l),[l]),d=A(()=>Ae(t,"example"),[t]),c=i.measures||[],[u,f]=C("failure_rate"),p=(c.find(h=>h.id===u)||{}).label||u,g=A(()=>({...r,heat:{...r.heat||{},measure:u}}),[r,u]);return F`<div class="dspyer-batch" data-run-state=${i.state||"idle"} data-measure=${u}>
    <${Kn} model=${t} panel=${i} />
    <div class="dl-body">
      <div class="dl-main">
        <label class="dl-pick">colour nodes by
          <select class="dl-measure" value=${u} onChange=${h=>f(h.currentTarget.value)}>
            ${c.map(h=>F`<option value=${h.id}>${h.label}</option>`)}
          </select></label>
        <${s} model=${t} layout=${o} picture=${g}
          legend=${F`<${Vn} measure=${u} label=${p} />`} />
        <${Xn} panel=${i} measure=${u} />
      </div>
      <div class="dl-side"><${Zn} model=${t} panel=${i} /></div>
    </div>
    <${Qn} model=${t} panel=${i} Lab=${a} example=${d} />
  </div>`}var k=N.bind(P),Te={changed:"changed",same:"same","only-a":"only in A","only-b":"only in B",none:"not run"},es={all:"all examples",fixed:"fixed",broken:"broken",same:"same",changed:"changed"},ts=["fixed","broken","same","changed"];function Lt(t,e){let n=t.querySelector(":scope > title");n||(n=document.createElementNS("http://www.w3.org/2000/svg","title"),t.prepend(n)),n.textContent!==e&&(n.textContent=e)}function ie(t,e,n){n==null?t.hasAttribute(e)&&t.removeAttribute(e):t.getAttribute(e)!==String(n)&&t.setAttribute(e,String(n))}function Rt(t,e,n){if(!t)return;let s=e&&e.nodes?e:null,a=e&&e.heat||null;for(let r of t.querySelectorAll("g.node[data-node]")){let l=r.getAttribute("data-node");if(s){let i=s.nodes[l]||"none";ie(r,"data-diff",i),ie(r,"data-diverge",s.diverge===l?"true":null),Lt(r,`${l}: ${Te[i]||i}${s.diverge===l?" (the paths part here)":""}`)}else if(a){let i=a[l],d=i&&i.levels&&i.levels[n]||0;ie(r,"data-delta",d>0?"worse":d<0?"better":"none"),ie(r,"data-delta-level",Math.abs(d)),Lt(r,i?i.title:`${l}: not run`)}}let o=s&&s.edges||{};for(let r of t.querySelectorAll("g.edge[data-edge]"))ie(r,"data-side",s&&o[r.getAttribute("data-edge")]||null)}function Ft({model:t,GraphPane:e,layout:n,picture:s,measure:a,legend:o}){let r=I(null),l=s.compare;return L(()=>{let i=r.current;Rt(i,l,a);let d=new MutationObserver(()=>Rt(i,l,a));return d.observe(i,{childList:!0,subtree:!0}),()=>d.disconnect()},[l,a]),k`<div class="dl-compare-graph" ref=${r}>
    <${e} model=${t} layout=${n} picture=${s} legend=${o} />
  </div>`}function Ee({ops:t,keep:e}){return t.filter(([n])=>n==="="||n===e).map(([n,s])=>n==="="?s:n==="-"?k`<del class="dl-del">${s}</del>`:k`<ins class="dl-ins">${s}</ins>`)}function Me({row:t,side:e}){let n=e==="a"?"dl-a":"dl-b";return t.changed&&t.diff&&t.diff.length?k`<td class=${n}><pre class="dl-value"><${Ee} ops=${t.diff} keep=${e==="a"?"-":"+"} /></pre></td>`:k`<td class=${n}><pre class="dl-value">${t[e]}</pre></td>`}function It(t){if(!t)return"not run";let e=[t.status,t.duration,`${t.attempts??0} attempt(s)`,`${t.tokens} tokens`];return t.calls&&e.push(`${t.calls} call(s)${t.models.length?` (${t.models.join(", ")})`:""}`),e.filter(Boolean).join(" · ")}function ns({detail:t}){return t?k`<div class="dl-detail" data-node=${t.node} data-diff=${t.diff}>
    <div class="dl-title">${t.node}: ${Te[t.diff]||t.diff}
      ${t.changed.length?` (${t.changed.join(", ")})`:""}</div>
    ${t.visits.map(e=>k`<div class="dl-scroll"><table class="dl-table dl-fields" data-visit=${e.visit}>
      <thead><tr><th>visit ${e.visit}</th><th class="dl-a">A: ${It(e.a)}</th>
        <th class="dl-b">B: ${It(e.b)}</th></tr></thead>
      <tbody>${e.fields.map(n=>k`<tr data-field=${n.field} data-changed=${n.changed?"true":"false"}>
        <th scope="row">${n.field}</th><${Me} row=${n} side="a" /><${Me} row=${n} side="b" /></tr>`)}
      </tbody></table></div>`)}
    ${t.more&&k`<p class="dl-hint dl-more">${t.more}</p>`}
  </div>`:k`<p class="dl-hint">Click a node (on the graph or in the list) to see its two runs side by side.</p>`}function ss({model:t,data:e,send:n,GraphPane:s}){let a=e.summary||{},o=e.path&&e.path.diverge,r=k`<div class="dl-legend" aria-label="legend">
    ${["changed","same","only-a","only-b"].map(l=>k`<span class="dl-key" data-diff=${l}>
      <span class="dl-swatch"></span>${Te[l]}</span>`)}
    <span class="dl-key" data-side="a"><span class="dl-line"></span>A's path</span>
    <span class="dl-key" data-side="b"><span class="dl-line"></span>B's path</span>
    <span class="dl-key" data-side="both"><span class="dl-line"></span>both</span>
  </div>`;return k`<div class="dl-body">
    <div class="dl-main">
      <${Ft} model=${t} GraphPane=${s} layout=${e.layout||{}}
        picture=${e.picture||{}} legend=${r} />
      <p class="dl-path-line" data-diverge=${o?"true":"false"}>${o?`The paths part at step ${o.step+1}${o.after?`, after ${o.after}`:""}: A → ${o.a||"end"}, B → ${o.b||"end"}`:"Both runs took the same path."}</p>
      <div class="dl-scroll"><table class="dl-table dl-summary">
        <thead><tr><th></th><th class="dl-a">A</th><th class="dl-b">B</th></tr></thead>
        <tbody>
          <tr><th scope="row">status</th><td class="dl-a">${a.a.status}</td><td class="dl-b">${a.b.status}</td></tr>
          <tr><th scope="row">duration</th><td class="dl-a">${a.a.duration}</td><td class="dl-b">${a.b.duration}</td></tr>
          <tr><th scope="row">tokens</th><td class="dl-a">${String(a.a.tokens)}</td><td class="dl-b">${String(a.b.tokens)}</td></tr>
          <tr data-field="output" data-changed=${a.output_changed?"true":"false"}><th scope="row">output</th>
            <${Me} row=${{a:a.a.output,b:a.b.output,changed:a.output_changed,diff:a.output_diff}} side="a" />
            <${Me} row=${{a:a.a.output,b:a.b.output,changed:a.output_changed,diff:a.output_diff}} side="b" /></tr>
        </tbody></table></div>
    </div>
    <div class="dl-side">
      <div class="dl-node-list">${(e.nodes||[]).map(l=>k`<button class="dl-node" data-node=${l.node}
        data-diff=${l.diff} aria-pressed=${e.selected===l.node?"true":"false"}
        onClick=${()=>n({type:"select",node:e.selected===l.node?"":l.node})}>
        ${l.node}: ${Te[l.diff]||l.diff}${l.changed.length?` (${l.changed.join(", ")})`:""}</button>`)}
      </div>
      <${ns} detail=${e.detail} />
    </div>
  </div>`}function as({examples:t,send:e}){let n=a=>e({type:"table",...a}),s=a=>a.openable&&e({type:"open",index:a.index});return k`<div class="dl-examples">
    <div class="dl-pager">
      <label class="dl-pick">show
        <select class="dl-outcome-filter" value=${t.filter}
          onChange=${a=>n({filter:a.currentTarget.value})}>
          ${t.filters.map(a=>k`<option value=${a}>${es[a]||a}</option>`)}
        </select></label>
      <button class="dl-prev" disabled=${!(t.page>0)} onClick=${()=>n({page:t.page-1})}>◀ previous</button>
      <button class="dl-next" disabled=${!(t.page+1<t.pages)}
        onClick=${()=>n({page:t.page+1})}>next ▶</button>
      <span class="dl-position">${t.position}</span>
    </div>
    <div class="dl-scroll"><table class="dl-table dl-example-table">
      <thead><tr><th>#</th><th>inputs</th><th>outcome</th><th class="dl-a">A</th><th class="dl-b">B</th></tr></thead>
      <tbody>${t.rows.map(a=>k`<tr class="dl-example" data-index=${a.index} data-outcome=${a.outcome}
        data-openable=${a.openable?"true":"false"} tabindex=${a.openable?"0":void 0}
        role=${a.openable?"button":void 0}
        title=${a.openable?`open example ${a.index}'s two runs`:"runs not kept: only outputs and scores compared"}
        onClick=${()=>s(a)} onKeyDown=${o=>o.key==="Enter"&&s(a)}>
        <td>${String(a.index)}</td><td>${a.summary}</td><td data-col="outcome">${a.outcome}</td>
        <td class="dl-a">${[a.a.status,a.a.score].filter(Boolean).join(" · ")}</td>
        <td class="dl-b">${[a.b.status,a.b.score].filter(Boolean).join(" · ")}</td></tr>`)}
      </tbody></table></div>
  </div>`}function os({model:t,data:e,send:n,GraphPane:s}){let a=e.measures||[],[o,r]=C("failure_rate"),l=(a.find(u=>u.id===o)||{}).label||o,i=k`<div class="dl-legend" aria-label="legend">
    <span class="dl-key">B − A, ${l}:</span>
    ${[-5,-3,-1,0,1,3,5].map(u=>k`<span class="dl-key" data-delta=${u>0?"worse":u<0?"better":"none"}
      data-delta-level=${Math.abs(u)}><span class="dl-swatch"></span>${u===-5?"better":u===0?"same":u===5?"worse":""}</span>`)}
  </div>`,d=e.counts||{},c=e.score||{};return k`<div class="dl-body">
    <div class="dl-main">
      <div class="dl-outcomes">${ts.map(u=>k`<button class="dl-outcome-count" data-outcome=${u}
        ...${{[`data-outcome-count-${u}`]:String(d[u]??0)}}
        onClick=${()=>n({type:"table",filter:u})}>${u} ${String(d[u]??0)}</button>`)}</div>
      <p class="dl-score">${c.measure} B − A: <span class="dl-score-delta">${c.text}</span>${" "}
        <span class="dl-hint">(A ${c.mean_a}, B ${c.mean_b}; passes: finished${c.measure==="score"?` and score ≥ ${e.pass_threshold}`:""})</span></p>
      <label class="dl-pick">colour nodes by the change of
        <select class="dl-measure" value=${o} onChange=${u=>r(u.currentTarget.value)}>
          ${a.map(u=>k`<option value=${u.id}>${u.label}</option>`)}
        </select></label>
      <${Ft} model=${t} GraphPane=${s} layout=${e.layout||{}}
        picture=${e.picture||{}} measure=${o} legend=${i} />
      <div class="dl-scroll"><table class="dl-table dl-nodes">
        <thead><tr><th>node</th>${a.map(u=>k`<th data-measure=${u.id}>${u.label} A → B</th>`)}</tr></thead>
        <tbody>${(e.nodes||[]).map(u=>k`<tr data-node=${u.node}><th scope="row">${u.node}</th>
          ${a.map(f=>k`<td data-measure=${f.id}>${u.a[f.id]} → ${u.b[f.id]} (${u.delta[f.id]})</td>`)}
        </tr>`)}</tbody></table></div>
    </div>
    <div class="dl-side">${e.examples&&k`<${as} examples=${e.examples} send=${n} />`}</div>
  </div>`}function ls(t,e){return{get:n=>n==="_still"?"":t.get(n),on:(...n)=>t.on(...n),off:(...n)=>t.off(...n),send:(n,...s)=>{n&&n.type==="need-runtime"?t.send(n,...s):n&&n.type!=="snapshot"&&e(n)}}}function de({model:t,data:e,send:n,views:s,embedded:a=!0}){let{GraphPane:o}=s,r=A(()=>a?ls(t,n):t,[t,n,a]);if(!e||!e.mode)return k`<div class="dspyer-compare"></div>`;let l=e.mode==="runs"?ss:os;return k`<div class="dspyer-compare" data-mode=${e.mode}>
    <div class="dl-toolbar dl-compare-head">
      ${e.back&&k`<button class="dl-back" onClick=${()=>n({type:"back"})}>◀ back to the batches</button>`}
      <span class="dl-label dl-a">A: ${e.labels.a}</span>
      <span class="dl-label dl-b">B: ${e.labels.b}</span>
      ${e.note&&k`<span class="dl-note">${e.note}</span>`}
    </div>
    <${l} model=${r} data=${e} send=${n} GraphPane=${o} />
  </div>`}function zt({model:t,views:e,useTrait:n}){let s=n(t,"_layout")||{},a=n(t,"_picture")||{},o=n(t,"_compare")||"{}",r=A(()=>({...JSON.parse(o),picture:a,layout:s}),[o,a,s]),l=A(()=>i=>t.send(i),[t]);return k`<${de} model=${t} data=${r} send=${l} views=${e} embedded=${!1} />`}var rs="http://www.w3.org/2000/svg",et=["idle","running","retrying","done","failed","cancelled"],is=new Set(et),ds="__end__",qt={start:"start",end:"end"},Ut=6,Ht=null;function cs(t){Ht??=document.createElement("canvas");let e=Ht.getContext("2d");return(n,s)=>(e.font=`${s}px ${t}`,e.measureText(n).width)}function us(t,e){let n=[],s=new Map,a=(o,r)=>{let l=14,i=0,d=0;for(let c of o||[])c.op==="F"?l=c.size:c.op==="T"&&(i=Math.max(i,c.width),d=Math.max(d,e(c.text,l)));d>0&&r(i,d)};for(let o of t.objects||[])a(o._ldraw_,(r,l)=>n.push({id:o.name,est:r,real:l,width:+o.width,shape:o.shape}));for(let o of t.edges||[]){let r=String(o.class||"").split(/\s+/).find(l=>/^e\d+$/.test(l));r&&a(o._ldraw_,(l,i)=>s.set(r,{est:l,real:i}))}return{nodes:n,edges:s}}function ps(t,e){let n=[];for(let a of e){if(a.real+Ut<=a.est||!/^[A-Za-z0-9_]+$/.test(a.id))continue;let o=a.shape==="diamond"?2:1,r=a.width+o*(a.real+Ut-a.est)/72;n.push(`${a.id} [width=${r.toFixed(3)}]`)}if(!n.length)return t;let s=t.lastIndexOf("}");return`${t.slice(0,s)}${n.join(`
`)}
}`}async function Gt(t,e,n){document.fonts&&document.fonts.ready&&await document.fonts.ready;let s=cs(n),a=us(t.renderJSON(e),s),o=t.renderSVGElement(ps(e,a.nodes));for(let r of o.querySelectorAll("g.edge")){let l=[...r.classList].find(d=>a.edges.has(d)),i=l&&a.edges.get(l);if(!(!i||i.real<=i.est))for(let d of r.querySelectorAll(":scope > text"))d.setAttribute("textLength",String(i.est)),d.setAttribute("lengthAdjust","spacingAndGlyphs")}return o}function G(t){let e=[],n=[];for(let s of t.children){let a=s.localName;if(a==="ellipse"){let o=+s.getAttribute("cx"),r=+s.getAttribute("cy"),l=+s.getAttribute("rx"),i=+s.getAttribute("ry");e.push(o-l,o+l),n.push(r-i,r+i)}else if(a==="polygon"||a==="path"||a==="polyline"){let r=(s.getAttribute(a==="path"?"d":"points")||"").match(/-?\d*\.?\d+(?:e-?\d+)?/gi)||[];for(let l=0;l+1<r.length;l+=2)e.push(+r[l]),n.push(+r[l+1])}}return e.length?{x1:Math.min(...e),y1:Math.min(...n),x2:Math.max(...e),y2:Math.max(...n)}:null}function H(t,e){let n=document.createElementNS(rs,t);for(let[s,a]of Object.entries(e))n.setAttribute(s,String(a));return n}function ne(t,e){let n=t.querySelector(":scope > title");n||(n=H("title",{}),t.prepend(n)),n.textContent=e}var Pe=class{constructor(e,n){this.svg=e,this.nodes=new Map,this.edges=new Map,this.notes={calls:new Map,progress:new Map,sends:new Map},this.junctions=new Map,this.joinOuts=new Map,e.setAttribute("class","dl-svg");let s=n.nodes||{},a=n.joins||{};for(let r of e.querySelectorAll("g.node")){let l=r.querySelector(":scope > title")?.textContent??"";if(Object.hasOwn(s,l)){let i=s[l];r.setAttribute("data-node",i),r.setAttribute("tabindex","0"),r.setAttribute("role","button"),ne(r,i),this.nodes.set(i,{group:r,badge:this.makeBadge(r)})}else Object.hasOwn(qt,l)?(r.setAttribute("data-marker",qt[l]),ne(r,l.toUpperCase())):Object.hasOwn(a,l)&&(r.setAttribute("data-join",l),ne(r,a[l]))}let o=new Map((n.edges||[]).map(r=>[r.id,r]));for(let r of e.querySelectorAll("g.edge.dl-join-out")){let l=[...r.classList].find(i=>Object.hasOwn(a,i));l&&this.joinOuts.set(l,r)}for(let r of e.querySelectorAll("g.edge")){let l=[...r.classList].map(c=>o.get(c)).find(Boolean);if(!l)continue;r.setAttribute("data-edge",l.id),r.setAttribute("data-source",l.source),r.setAttribute("data-target",l.target),l.key!==null&&l.key!==void 0&&r.setAttribute("data-decision",l.key);let i=l.target===ds?"END":l.target,d=l.key==null?`${l.source} → ${i}`:`${l.source} → ${i} [${l.key}]`;l.join&&r.setAttribute("data-join","true"),l.junction&&this.junctions.set(l.id,l.junction),ne(r,l.join?`${d}: ${l.join}`:d),this.edges.set(l.id,r)}}nodeGroups(){return[...this.nodes].map(([e,n])=>[e,n.group])}makeBadge(e){let n=G(e);if(!n)return null;let s=H("g",{class:"dl-badge",transform:`translate(${n.x2} ${n.y1})`});s.style.display="none";let a=H("rect",{x:-10,y:-8,width:20,height:16,rx:8,ry:8}),o=H("text",{x:0,y:3.5,"text-anchor":"middle","font-size":10});return s.append(a,o),e.appendChild(s),{badge:s,rect:a,text:o}}apply(e){let n=e.status||{},s=e.visits||{},a=e.selected||"";for(let[l,i]of this.nodes){let d=is.has(n[l])?n[l]:"idle",c=Number.isFinite(s[l])?s[l]:0,u=i.group;u.getAttribute("data-status")!==d&&u.setAttribute("data-status",d),u.setAttribute("data-visits",String(c)),u.setAttribute("aria-label",c>1?`${l}: ${d}, ${c} visits`:`${l}: ${d}`),l===a?u.setAttribute("data-selected","true"):u.removeAttribute("data-selected"),this.setBadge(i,c)}let o=e.path||{};for(let[l,i]of this.edges){let d=Number.isFinite(o[l])?o[l]:0;d>0?(i.setAttribute("data-path","true"),i.setAttribute("data-times",String(d))):(i.removeAttribute("data-path"),i.removeAttribute("data-times")),l===e.last?i.setAttribute("data-taken","true"):i.removeAttribute("data-taken")}let r=new Set([...this.junctions].filter(([l])=>o[l]>0).map(([,l])=>l));for(let[l,i]of this.joinOuts)r.has(l)?i.setAttribute("data-path","true"):i.removeAttribute("data-path");e.heat&&this.applyHeat(e.heat)}applyHeat(e){let n=e.nodes||{};for(let[a,o]of this.nodes){let r=n[a],l=r&&r.levels?r.levels[e.measure]:void 0;o.group.setAttribute("data-heat",String(Number.isFinite(l)?l:0)),ne(o.group,r?r.title:`${a}: not run`)}let s=e.edges||{};for(let[a,o]of this.edges){let r=s[a];r?(o.setAttribute("data-count",String(r.count)),o.setAttribute("data-weight",String(r.weight))):(o.removeAttribute("data-count"),o.removeAttribute("data-weight"));let i=(o.querySelector(":scope > title")?.textContent||"").replace(/: taken \d+ times?$/,"");ne(o,r?`${i}: taken ${r.count} time${r.count===1?"":"s"}`:i)}}setBadge(e,n){if(!e.badge)return;let{badge:s,rect:a,text:o}=e.badge;if(n>1){let r=`×${n}`;if(o.textContent!==r){o.textContent=r;let l=Math.max(20,6.2*r.length+8);a.setAttribute("x",String(-l/2)),a.setAttribute("width",String(l))}s.style.display=""}else s.style.display="none"}};var j=N.bind(P),E={w:420,h:150,left:34,right:10,top:10,bottom:24};function Oe(t,e,n){n==null?t.hasAttribute(e)&&t.removeAttribute(e):t.getAttribute(e)!==String(n)&&t.setAttribute(e,String(n))}function Wt(t,e){if(t)for(let n of t.querySelectorAll("g.node[data-node]")){let s=e[n.getAttribute("data-node")],a=n.querySelector(":scope > g.dl-opt-badge");if(!s){a&&a.remove();for(let l of["data-opt-demos","data-opt-candidates","data-opt-in-best"])Oe(n,l,null);continue}if(Oe(n,"data-opt-demos",s.demos),Oe(n,"data-opt-candidates",s.candidates),Oe(n,"data-opt-in-best",s.in_best),!a){let l=G(n);if(!l)continue;a=H("g",{class:"dl-opt-badge",transform:`translate(${(l.x1+l.x2)/2} ${l.y2+11})`}),a.append(H("title",{}),H("text",{"text-anchor":"middle","font-size":9})),n.appendChild(a)}let[o,r]=a.children;r.textContent!==s.text&&(r.textContent=s.text),o.textContent!==s.title&&(o.textContent=s.title)}}function fs({model:t,GraphPane:e,layout:n,picture:s}){let a=I(null),o=s.optimize&&s.optimize.nodes||{};L(()=>{let l=a.current;Wt(l,o);let i=new MutationObserver(()=>Wt(l,o));return i.observe(l,{childList:!0,subtree:!0}),()=>i.disconnect()},[o]);let r=j`<div class="dl-legend" aria-label="legend"><span class="dl-key">under each node: demos in
    the best program · its instruction (1 = the original) / instruction candidates seen</span></div>`;return j`<div class="dl-opt-graph" ref=${a}>
    <${e} model=${t} layout=${n} picture=${s} legend=${r} />
  </div>`}function $s({trials:t,line:e}){let n=t.filter(d=>d.score!==null&&d.score!==void 0),s=Math.max(1,...t.map(d=>d.n)),a=Math.max(100,...n.map(d=>d.score)),o=Math.min(0,...n.map(d=>d.score)),r=d=>E.left+(E.w-E.left-E.right)*(s===1?.5:(d-1)/(s-1)),l=d=>E.top+(E.h-E.top-E.bottom)*(1-(d-o)/(a-o||1)),i=[o,(o+a)/2,a];return j`<svg class="dl-score-plot" viewBox=${`0 0 ${E.w} ${E.h}`} width=${E.w} height=${E.h}
    role="img" aria-label=${`score per trial: ${n.length} trial(s) scored`} data-trials=${t.length}>
    ${i.map(d=>j`<g class="dl-tick"><line x1=${E.left} x2=${E.w-E.right} y1=${l(d)} y2=${l(d)} />
      <text x=${E.left-4} y=${l(d)+3} text-anchor="end">${String(Math.round(d))}</text></g>`)}
    <text class="dl-axis" x=${(E.w+E.left)/2} y=${E.h-4} text-anchor="middle">trial</text>
    ${e.length>0&&j`<polyline class="dl-best-line" data-best=${String(e[e.length-1][1])}
      points=${e.map(([d,c])=>`${r(d)},${l(c)}`).join(" ")} />`}
    ${t.map(d=>d.score===null||d.score===void 0?j`<text class="dl-trial-missing" x=${r(d.n)} y=${E.h-E.bottom} text-anchor="middle"
          data-trial=${d.n} data-error=${d.error?"true":void 0}>${d.running?"…":"×"}<title>${d.running?`trial ${d.n}: running`:`trial ${d.n}: ${d.error||"no score"}`}</title></text>`:j`<circle class="dl-trial" cx=${r(d.n)} cy=${l(d.score)} r=${d.best?5:3.5} data-trial=${d.n}
          data-score=${d.score} data-on=${d.on} data-best=${d.best?"true":void 0}
          data-failed=${d.failed||void 0} data-error=${d.error?"true":void 0}>
          <title>${`trial ${d.n}: ${d.score.toFixed(1)} on ${d.examples} example(s) (${d.on}${d.kind?`, ${d.kind}`:""})${d.failed?`; ${d.failed} example run(s) failed: ${d.failure}`:""}${d.best?" · the best":""}`}</title>
        </circle>`)}
  </svg>`}function hs({trials:t}){let e=t.filter(n=>n.error||n.failed);return e.length?j`<ul class="dl-trial-problems">${e.map(n=>j`<li class="dl-trial-problem" data-trial=${n.n}>
    ${`trial ${n.n}: `}${n.error?`ended with ${n.error}`:`${n.failed} example run(s) failed, first: ${n.failure}`}</li>`)}
  </ul>`:null}function _s({model:t,panel:e}){let n=e.progress||{},s=e.stop||{},a=n.fraction===null||n.fraction===void 0?null:`${100*n.fraction}%`;return j`<div class="dl-toolbar dl-opt-head">
    <button class="dl-stop" disabled=${!s.enabled} title=${s.hint||""}
      onClick=${()=>t.send({type:"stop"})}>■ Stop</button>
    <span class="dl-opt-name">${e.optimizer}</span>
    <div class="dl-bar" role="progressbar" aria-valuemin="0" aria-valuemax=${n.total??void 0}
      aria-valuenow=${n.done||0} data-done=${n.done||0} data-total=${n.total??""}
      data-indeterminate=${a===null&&e.state==="optimizing"?"true":void 0}>
      <span class="dl-bar-ok" style=${{width:a??(e.state==="optimizing"?"0%":"100%")}}></span>
    </div>
    <span class="dl-status" data-phase=${e.phase}>${e.status}</span>
  </div>`}function bs({nodes:t}){return j`<div class="dl-opt-nodes">${t.map(e=>j`<div class="dl-opt-node" data-node=${e.node}
    data-changed=${e.changed?"true":"false"}>
    <div class="dl-title">${`${e.node}: ${e.changed?"new instructions":"instructions unchanged"} · demos ${e.demos_before} → ${e.demos_after}`}</div>
    <pre class="dl-value">${e.changed?j`<${Ee} ops=${e.diff} keep="-" /><br />→ <${Ee} ops=${e.diff} keep="+" />`:e.instructions}</pre>
    ${e.demos_added.length>0&&j`<ul class="dl-demos-added">${e.demos_added.map(n=>j`<li class="dl-demo-added">${n}</li>`)}${e.more_demos>0&&j`<li>${`… ${e.more_demos} more`}</li>`}</ul>`}
  </div>`)}</div>`}function Jt({model:t,views:e,useTrait:n}){let s=n(t,"_layout")||{},a=n(t,"_picture")||{},o=n(t,"_optimize")||"{}",r=A(()=>JSON.parse(o),[o]),l=A(()=>c=>t.send({...c,to:"compare"}),[t]),i=r.trials||[],d=r.after;return j`<div class="dspyer-compare dspyer-optimize" data-state=${r.state||"idle"} data-phase=${r.phase||""}>
    <${_s} model=${t} panel=${r} />
    ${r.error&&j`<p class="dl-opt-error" role="alert">${r.error}</p>`}
    ${r.note&&j`<p class="dl-opt-note">${r.note}</p>`}
    <div class="dl-body">
      <div class="dl-main">
        <${fs} model=${t} GraphPane=${e.GraphPane} layout=${s} picture=${a} />
      </div>
      <div class="dl-side">
        <${$s} trials=${i} line=${r.best_line||[]} />
        <p class="dl-hint">${`${r.best?`best ${r.best.text} (trial ${r.best.n})`:"no trial scored yet"} · filled: a whole set, hollow: a minibatch`}</p>
        <${hs} trials=${i} />
      </div>
    </div>
    ${d&&j`<div class="dl-opt-after">
      <div class="dl-title">Before (A) and after (B) on the valset</div>
      <${bs} nodes=${d.nodes||[]} />
      <${de} model=${t} data=${d.compare} send=${l} views=${e} />
    </div>`}
  </div>`}var w=N.bind(P),tt={program:"program",started:"started",status:"status",duration:"duration",total_tokens:"tokens",cost:"cost",error:"error",examples:"examples",scores:"scores"};function ms({send:t,table:e}){let n=e.query||{},s=r=>t({type:"table",...r}),a=(r,l)=>l.trim()!==(n[r]||"")&&s({[r]:l.trim()}),o=(r,l,i)=>w`<label class="dl-pick">${i}
    <input class=${l} type="text" size="12" value=${n[r]||""}
      onChange=${d=>a(r,d.currentTarget.value)}
      onKeyDown=${d=>d.key==="Enter"&&a(r,d.currentTarget.value)} /></label>`;return w`<div class="dl-filters">
    <label class="dl-pick">program
      <select class="dl-f-program" value=${n.program||""} onChange=${r=>s({program:r.currentTarget.value})}>
        <option value="">all</option>
        ${(e.programs||[]).map(r=>w`<option value=${r}>${r}</option>`)}
        ${n.program&&!(e.programs||[]).includes(n.program)&&w`<option value=${n.program}>${n.program}</option>`}
      </select></label>
    <label class="dl-pick">status
      <select class="dl-f-status" value=${n.status||""} onChange=${r=>s({status:r.currentTarget.value})}>
        <option value="">all</option>
        ${(e.statuses||[]).map(r=>w`<option value=${r}>${r}</option>`)}
      </select></label>
    ${o("node","dl-f-node","visited node")}
    ${o("text","dl-f-text","error contains")}
    <label class="dl-pick">from
      <input class="dl-f-since" type="date" value=${n.since||""} onChange=${r=>s({since:r.currentTarget.value})} /></label>
    <label class="dl-pick">to
      <input class="dl-f-until" type="date" value=${n.until||""} onChange=${r=>s({until:r.currentTarget.value})} /></label>
  </div>`}function nt({page:t,pages:e,position:n,go:s}){return w`<div class="dl-pager">
    <button class="dl-prev" disabled=${!(t>0)} onClick=${()=>s(t-1)}>◀ previous</button>
    <button class="dl-next" disabled=${!(t+1<e)} onClick=${()=>s(t+1)}>next ▶</button>
    <span class="dl-position">${n}</span>
  </div>`}function Kt({send:t,confirm:e}){return e?w`<div class="dl-confirm" role="alertdialog">
    <span class="dl-confirm-text">${e.text}</span>
    <button class="dl-delete-confirm" onClick=${()=>t({type:"delete-confirm"})}>Delete</button>
    ${e.runs?w`<button class="dl-delete-confirm-runs" onClick=${()=>t({type:"delete-confirm",runs:!0})}>
      ${`Delete with their ${e.runs} run${e.runs===1?"":"s"}`}</button>`:null}
    <button class="dl-delete-cancel" onClick=${()=>t({type:"delete-cancel"})}>Cancel</button>
  </div>`:null}function Vt({send:t,panel:e}){return w`<button class="dl-compare" disabled=${!e.can_compare} onClick=${()=>t({type:"compare"})}
    title="check two rows to compare them side by side">Compare</button>`}function Xt({send:t,id:e,checked:n,label:s}){return w`<td class="dl-check" onClick=${a=>a.stopPropagation()}><input class="dl-check" type="checkbox"
    checked=${n} aria-label=${s}
    onChange=${a=>t({type:"check",id:e,checked:a.currentTarget.checked})} /></td>`}function Yt({send:t,panel:e,what:n}){let s=(e.checked||[]).length;return w`<button class="dl-delete" disabled=${!e.can_delete} onClick=${()=>t({type:"delete"})}
    title=${`delete the checked ${n} from the store`}>${`Delete${s?` ${s}`:""}…`}</button>`}function gs({send:t,panel:e}){let n=e.runs;if(!n)return null;let s=n.query||{},a=new Set(e.checked||[]),o=l=>t({type:"table",sort:l,descending:s.sort===l?!s.descending:l==="started"}),r=l=>t({type:"open",run_id:l.run_id});return w`<div class="dl-runs-list">
    <${ms} send=${t} table=${n} />
    <div class="dl-actions">
      <${nt} page=${s.page} pages=${n.pages} position=${n.position}
        go=${l=>t({type:"table",page:l})} />
      <${Yt} send=${t} panel=${e} what="runs" />
      <${Vt} send=${t} panel=${e} />
    </div>
    <${Kt} send=${t} confirm=${e.confirm} />
    <div class="dl-scroll"><table class="dl-table dl-runs-table">
      <thead><tr><th class="dl-check"></th>${n.columns.map(l=>w`<th data-col=${l}
        aria-sort=${s.sort===l?s.descending?"descending":"ascending":"none"}>
        <button class="dl-sort" title=${`sort by ${tt[l]||l}`} onClick=${()=>o(l)}>
          ${tt[l]||l}${s.sort===l?s.descending?" ▼":" ▲":""}</button></th>`)}</tr></thead>
      <tbody>${n.rows.map(l=>w`<tr class="dl-run" key=${l.run_id} data-run-id=${l.run_id} data-status=${l.status}
        data-checked=${a.has(l.run_id)?"true":void 0} data-open=${e.opened===l.run_id?"true":void 0}
        data-parent=${l.parent||void 0} tabindex="0" role="button" title=${`open run ${l.run_id}`}
        onClick=${()=>r(l)} onKeyDown=${i=>i.key==="Enter"&&i.target===i.currentTarget&&r(l)}>
        <${Xt} send=${t} id=${l.run_id} checked=${a.has(l.run_id)} label=${`select run ${l.run_id}`} />
        ${n.columns.map(i=>w`<td data-col=${i} title=${i==="error"?l.error_full:void 0}>${l[i]??""}</td>`)}
      </tr>`)}</tbody>
    </table></div>
  </div>`}function vs({send:t,opened:e}){return e?w`<div class="dl-batch-examples" data-batch-id=${e.batch_id}>
    <div class="dl-opened-bar">
      <span class="dl-title">${e.title}</span>
      <button class="dl-close" onClick=${()=>t({type:"open-batch",batch_id:null})}>✕ close</button>
    </div>
    <${nt} page=${e.page} pages=${e.pages} position=${e.position}
      go=${n=>t({type:"batch-page",page:n})} />
    <div class="dl-scroll"><table class="dl-table">
      <thead><tr><th>#</th><th>run</th><th>score</th><th>status</th></tr></thead>
      <tbody>${e.rows.map(n=>{let s=()=>n.run_id&&n.status!=="deleted"&&t({type:"open",run_id:n.run_id});return w`<tr class="dl-batch-example" data-index=${n.index} data-run-id=${n.run_id||void 0}
          data-status=${n.status} tabindex="0" role="button" onClick=${s} onKeyDown=${a=>a.key==="Enter"&&s()}>
          <td>${String(n.index)}</td><td>${n.run_id||""}</td><td>${n.score}</td><td>${n.status}</td></tr>`})}</tbody>
    </table></div>
  </div>`:null}function ys({send:t,panel:e}){let n=e.batches;if(!n)return null;let s=n.opened,a=new Set(e.checked||[]);return w`<div class="dl-batches-list">
    <div class="dl-actions">
      <${nt} page=${n.page} pages=${n.pages} position=${n.position}
        go=${o=>t({type:"batches-page",page:o})} />
      <${Yt} send=${t} panel=${e} what="batches" />
      <${Vt} send=${t} panel=${e} />
    </div>
    <${Kt} send=${t} confirm=${e.confirm} />
    <div class="dl-scroll"><table class="dl-table dl-batches-table">
      <thead><tr><th class="dl-check"></th>${n.columns.map(o=>w`<th data-col=${o}>${tt[o]||o}</th>`)}</tr></thead>
      <tbody>${n.rows.map(o=>{let r=()=>t({type:"open-batch",batch_id:o.batch_id});return w`<tr class="dl-batch" key=${o.batch_id} data-batch-id=${o.batch_id} data-status=${o.status}
          data-open=${s&&s.batch_id===o.batch_id?"true":void 0} tabindex="0" role="button"
          data-checked=${a.has(o.batch_id)?"true":void 0}
          onClick=${r} onKeyDown=${l=>l.key==="Enter"&&l.target===l.currentTarget&&r()}>
          <${Xt} send=${t} id=${o.batch_id} checked=${a.has(o.batch_id)} label=${`select batch ${o.batch_id}`} />
          ${n.columns.map(l=>w`<td data-col=${l}>${o[l]??""}</td>`)}</tr>`})}</tbody>
    </table></div>
    <${vs} send=${t} opened=${s} />
  </div>`}function ks({model:t,panel:e,Lab:n,run:s}){return!e.opened||!t.get("_open_panel")?null:w`<div class="dl-opened" data-run-id=${e.opened}>
    <div class="dl-opened-bar">
      <span class="dl-title">${`Run ${e.opened}`}</span>
      ${!e.forkable&&w`<span class="dl-note dl-replay-only">replay only: give RunsView the program that made it
        to run from a step</span>`}
      <button class="dl-close" onClick=${()=>t.send({type:"close-run"})}>✕ close</button>
    </div>
    <${n} key=${e.opened} model=${s} />
  </div>`}function xs({model:t,views:e,useTrait:n}){let s=n(t,"_compare")||"",a=A(()=>s?JSON.parse(s):null,[s]),o=A(()=>r=>t.send({...r,to:"compare"}),[t]);return a?w`<div class="dl-compared">
    <div class="dl-opened-bar">
      <span class="dl-title">Compare</span>
      <button class="dl-close" onClick=${()=>t.send({type:"close-compare"})}>✕ close</button>
    </div>
    <${de} model=${t} data=${a} send=${o} views=${e} />
  </div>`:null}function Zt({model:t,views:e,useTrait:n}){let{Lab:s}=e,a=n(t,"_panel")||"{}";n(t,"_open_panel");let o=A(()=>JSON.parse(a),[a]),r=A(()=>Ae(t,"run",{_picture:"_open_picture",_panel:"_open_panel",_layout:"_open_layout"}),[t]),l=u=>t.send(u),i=o.mode||"runs",d=i==="runs"?(o.runs||{}).total:(o.batches||{}).total,c=(u,f)=>w`<button class="dl-mode" data-mode=${u} aria-pressed=${u===i?"true":"false"}
    onClick=${()=>l({type:"mode",mode:u})}>${f}</button>`;return w`<div class="dspyer-runs" data-mode=${i} data-count=${d??0}>
    <div class="dl-runs-bar">
      <span class="dl-toggle" role="group">${c("runs","Runs")}${c("batches","Batches")}</span>
      <button class="dl-refresh" title="read the store again" onClick=${()=>l({type:"refresh"})}>⟳ Refresh</button>
      <span class="dl-store" title=${o.store||""}>${o.store||""}</span>
      <span class="dl-notice">${o.notice||""}</span>
    </div>
    ${i==="runs"?w`<${gs} send=${l} panel=${o} />`:w`<${ys} send=${l} panel=${o} />`}
    <${xs} model=${t} views=${e} useTrait=${n} />
    <${ks} model=${t} panel=${o} Lab=${s} run=${r} />
  </div>`}function ce(t,e,n,{cls:s,attr:a,place:o,show:r}){let l=n||{};for(let[i,d]of t){let c=Object.hasOwn(l,i)?l[i]:null,u=e.get(i);if(!c){u&&u.box.remove(),e.delete(i),d.removeAttribute(a);continue}if(!u){let h=o(d);if(!h)continue;u=ws(d,s,h),e.set(i,u)}let{value:f,label:p,hint:g}=r(c,d);d.setAttribute(a,String(f)),u.label.textContent!==p&&(u.label.textContent=p),u.title.textContent!==g&&(u.title.textContent=g)}}function ws(t,e,{x:n,y:s,anchor:a}){let o=H("g",{class:e}),r=H("title",{}),l=H("text",{x:n,y:s,"text-anchor":a,"font-size":9});return o.append(r,l),t.appendChild(o),{box:o,title:r,label:l}}var x=N.bind(P),Ss=24;function tn({message:t,full:e,Cell:n}){let[s,a]=C(!!t.open);return L(()=>a(!!t.open),[t.open,t.size,t.role]),x`<details class="dl-msg" data-role=${t.role} open=${s}
    onToggle=${o=>a(o.currentTarget.open)}>
    <summary><span class="dl-role">${t.role}</span>${" "}<span class="dl-size">${t.size}</span></summary>
    ${s&&x`<pre class="dl-pre"><${n} cell=${t.text} full=${e} /></pre>`}
  </details>`}function nn({stream:t}){let e=I(null),n=I(!0);L(()=>{let a=e.current;a&&n.current&&(a.scrollTop=a.scrollHeight)},[t.text]);let s=a=>{let o=a.currentTarget;n.current=o.scrollHeight-o.scrollTop-o.clientHeight<Ss};return x`<div class="dl-stream-box">
    <div class="dl-stream-head">${t.field}${t.live?" · streaming…":""}</div>
    <pre class="dl-pre dl-stream" ref=${e} onScroll=${s} data-field=${t.field}
      data-live=${t.live?"true":"false"}>${t.text}</pre>
  </div>`}function sn({text:t}){return t?x`<span class="dl-run-calls" title=${t}>${t}</span>`:null}function an(t,e){ce(t.nodeGroups(),t.notes.calls,e,{cls:"dl-calls",attr:"data-calls",place:n=>{let s=G(n);return s&&{x:(s.x1+s.x2)/2+5,y:s.y2+10,anchor:"start"}},show:n=>({value:n.calls,label:String(n.label??""),hint:String(n.hint??"")})})}var Qt=0;function Cs({passed:t,errors:e}){let n=(e||[]).length;return x`<div class="dl-verdict" data-pass=${t?"true":"false"}>${t?"✓ passes the node's contract":`✗ rejected: ${n} error${n===1?"":"s"}`}</div>`}function As({fields:t,Cell:e,full:n}){return!t||!t.length?x`<div class="dl-note">no field could be read from the answer</div>`:x`<table class="dl-table dl-pg-fields"><tbody>${t.map(s=>x`<tr
      data-field=${s.name} data-invalid=${s.errors.length?"true":void 0}>
    <th scope="row">${s.name}</th>
    <td><${e} cell=${s.value} full=${n} />${s.errors.map(a=>x`<div class="dl-pg-field-error">${a}</div>`)}</td>
  </tr>`)}</tbody></table>`}function en({model:t,pg:e,variant:n,label:s,Cell:a,full:o}){let r=n,l=r.errors?r.errors.filter(i=>!(r.fields||[]).some(d=>d.errors.includes(i.replace(/^- /,"")))):[];return x`<div class="dl-pg-card" data-variant=${r.id??"original"} data-pending=${r.pending?"true":void 0}>
    <div class="dl-pg-card-head"><b>${s}</b>${" · "}<span class="dl-pg-model" title=${r.model}>${r.model}</span>
      ${r.id!==void 0&&x`<button class="dl-pg-drop" title="Forget this variant"
        onClick=${()=>t.send({type:"drop-variant",variant:r.id})}>✕</button>`}</div>
    ${r.pending&&x`<div class="dl-note dl-pg-sending">sending…</div>`}
    ${r.error&&x`<div class="dl-edit-error" role="alert">${r.error}</div>`}
    ${r.passed!==void 0&&x`<${Cs} passed=${r.passed} errors=${r.errors} />`}
    ${r.fields&&x`<${As} fields=${r.fields} Cell=${a} full=${o} />`}
    ${l.map(i=>x`<div class="dl-pg-field-error">${i}</div>`)}
    ${r.completion!==void 0&&x`<details class="dl-pg-completion"><summary>completion</summary>
      <pre class="dl-pre"><${a} cell=${r.completion} full=${o} /></pre></details>`}
    ${r.facts&&x`<div class="dl-facts">${r.facts.join(" · ")}</div>`}
    ${r.passed!==void 0&&r.id!==void 0&&x`<div class="dl-pg-actions">
      <button class="dl-pg-use" disabled=${!r.can_use||!e.available}
        title=${r.can_use?"Give the program's node these instructions (and demos)":"Raw messages: no instructions to use"}
        onClick=${()=>t.send({type:"use-instructions",variant:r.id})}>Use these instructions</button>
      <button class="dl-pg-fork" disabled=${!r.can_use||!e.available}
        title="Use them, then run the graph again from this node as a fork"
        onClick=${()=>t.send({type:"fork-with",variant:r.id})}>Fork from here with them</button>
    </div>`}
  </div>`}function Ts({model:t,pg:e}){let n=e.editor,[s,a]=C("structured"),[o,r]=C(()=>n.messages.map($=>({...$}))),[l,i]=C(n.instructions),[d,c]=C(n.demos),[u,f]=C(()=>({...n.inputs})),[p,g]=C(""),h=($,_)=>Math.min(_,Math.max(2,String($).split(`
`).length)),b=($,_)=>$===_?null:$,v=()=>t.send(s==="messages"?{type:"resend",id:++Qt,call:e.call,mode:s,model:p,messages:o.map(($,_)=>$.content===n.messages[_].content?null:$)}:{type:"resend",id:++Qt,call:e.call,mode:s,model:p,instructions:b(l,n.instructions),demos:b(d,n.demos),inputs:Object.fromEntries(Object.entries(u).filter(([$,_])=>_!==n.inputs[$]))});return x`<div class="dl-pg-editor" data-mode=${s}>
    <div class="dl-pg-modes" role="radiogroup">
      <label><input type="radio" name=${`dl-pg-mode-${e.call}`} checked=${s==="structured"}
        onChange=${()=>a("structured")} /> instructions, demos, inputs</label>
      <label><input type="radio" name=${`dl-pg-mode-${e.call}`} checked=${s==="messages"}
        onChange=${()=>a("messages")} /> raw messages</label>
    </div>
    ${s==="structured"?x`<div class="dl-pg-structured">
        <label class="dl-pg-label">instructions<textarea class="dl-pg-text dl-pg-instructions" spellcheck="false"
          rows=${h(l,10)} value=${l}
          onInput=${$=>i($.currentTarget.value)}></textarea></label>
        <label class="dl-pg-label">demos (JSON list)<textarea class="dl-pg-text dl-pg-demos" spellcheck="false"
          rows=${h(d,8)} value=${d} onInput=${$=>c($.currentTarget.value)}></textarea></label>
        ${Object.keys(u).map($=>x`<label class="dl-pg-label" data-input=${$}>${$} (JSON)<textarea
          class="dl-pg-text dl-pg-input" spellcheck="false" rows=${h(u[$],6)} value=${u[$]}
          onInput=${_=>f({...u,[$]:_.currentTarget.value})}></textarea></label>`)}
      </div>`:x`<div class="dl-pg-messages">${o.map(($,_)=>x`<label class="dl-pg-label" data-role=${$.role}>
        ${$.role}<textarea class="dl-pg-text dl-pg-message" spellcheck="false" rows=${h($.content,12)}
          value=${$.content} onInput=${y=>r(o.map((D,R)=>R===_?{...D,content:y.currentTarget.value}:D))}></textarea></label>`)}</div>`}
    <div class="dl-pg-send-line">
      <label class="dl-pick">model <select class="dl-pg-model-pick" value=${p}
        onChange=${$=>g($.currentTarget.value)}>
        ${e.models.map($=>x`<option value=${$.value}>${$.label}</option>`)}</select></label>
      <button class="dl-pg-send" disabled=${!e.available} title=${e.why||"Send this call to the model"}
        onClick=${v}>Send</button>
    </div>
    ${e.error&&x`<div class="dl-edit-error" role="alert">${e.error}</div>`}
  </div>`}function on({model:t,pg:e,Cell:n,full:s}){if(!e)return null;let a=!!(e.editing&&e.editor),o=()=>t.send({type:"resend-editor",call:e.call,open:!a});return x`<div class="dl-pg" data-call=${e.call}>
    <div class="dl-pg-bar">
      <button class="dl-pg-open" aria-expanded=${a?"true":"false"} disabled=${e.available===!1&&!a}
        title=${e.why||"Edit this call and send it again"} onClick=${o}>${a?"Close the editor":"✎ Edit and send again"}</button>
      ${e.version&&x`<span class="dl-pg-version" title=${e.version}>${e.version}</span>`}
    </div>
    ${a&&x`<${Ts} key=${e.call} model=${t} pg=${e} />`}
    ${e.original&&(a||e.variants.length>0)&&x`<div class="dl-pg-variants">
      <${en} model=${t} pg=${e} variant=${e.original} label="original" Cell=${n} full=${s} />
      ${e.variants.map((r,l)=>x`<${en} key=${r.id} model=${t} pg=${e} variant=${r}
        label=${`variant ${l+1}`} Cell=${n} full=${s} />`)}
    </div>`}
  </div>`}var B=N.bind(P);function ln({title:t,fields:e,edits:n,setEdits:s,error:a,next:o}){return B`<div class="dl-state">
    <div class="dl-state-title">${t}</div>
    ${a&&!a.field&&B`<div class="dl-edit-error" role="alert">${a.message}</div>`}
    <div class="dl-fields">
      ${e.map(r=>{let l=Object.hasOwn(n,r.name)?n[r.name]:r.text,i=Object.hasOwn(n,r.name)&&n[r.name]!==r.text,d=a&&a.field===r.name,c=Math.min(8,Math.max(1,l.split(`
`).length));return B`<div class="dl-field" data-field=${r.name} data-edited=${i?"true":void 0}
            data-invalid=${d?"true":void 0}>
          <label class="dl-field-name" title=${r.reads?`read by node '${o}'`:""}>${r.name}${r.reads?B`<span class="dl-reads"> · read by ${o}</span>`:null}</label>
          <textarea class="dl-field-value" rows=${c} spellcheck="false" readonly=${!r.editable}
            aria-invalid=${d?"true":"false"} value=${l}
            onInput=${u=>s({...n,[r.name]:u.currentTarget.value})}></textarea>
          ${d&&B`<div class="dl-edit-error" role="alert">${a.message}</div>`}
        </div>`})}
    </div>
  </div>`}function Ms(t,e){let n={};for(let s of t)Object.hasOwn(e,s.name)&&e[s.name]!==s.text&&(n[s.name]=e[s.name]);return n}function Es({model:t,list:e,enabled:n}){if(!n&&!e.length)return null;let s=a=>t.send({type:"breakpoint",node:a.node,when:a.when});return B`<span class="dl-bp-list" aria-label="breakpoints">
    <span class="dl-bp-title"><span class="dl-bp-icon" aria-hidden="true"></span>breakpoints</span>
    ${!e.length&&B`<span class="dl-bp-none">none: click a ◌ on a node</span>`}
    ${e.map(a=>B`<button class="dl-bp-item" data-node=${a.node} data-when=${a.when} disabled=${!n}
      title=${`Clear the breakpoint ${a.when} '${a.node}'`} onClick=${()=>s(a)}>${a.when} ${a.node} ✕</button>`)}
    ${e.length>1&&B`<button class="dl-bp-clear-all" disabled=${!n} title="Clear every breakpoint"
      onClick=${()=>e.forEach(s)}>clear all</button>`}
  </span>`}function Ps(t,e){if(t&&Array.isArray(t.breakpoints))return t.breakpoints;let n=e||{};return["before","after"].flatMap(s=>(n[s]||[]).map(a=>({node:a,when:s})))}function rn({model:t,debug:e,breakpoints:n}){let s=e||{},a=s.paused,o=s.fork&&(s.fork.available||s.fork.editing)?s.fork:null,r=a&&a.key||o&&o.key||"",[l,i]=C({});te(()=>i({}),[r]);let d=s.runs,c=(f,p)=>t.send({type:f,update:Ms(p||[],l)}),u=o&&o.editing;return B`<div class="dl-debug" data-mode=${a?"paused":u?"fork":"idle"}>
    <div class="dl-debug-row">
      ${a&&B`<span class="dl-paused-at">‖ paused ${a.when} '${a.node}'</span>
        ${a.note&&B`<span class="dl-paused-next" title=${a.note}>${a.note}</span>`}
        <button class="dl-continue" disabled=${!a.enabled} title="Go on from the pause with the edited state"
          onClick=${()=>c("resume",a.fields)}>▶ Continue</button>
        <button class="dl-step" disabled=${!a.enabled} title="Run the next step (all the nodes it runs at once), then pause again"
          onClick=${()=>c("step",a.fields)}>Step ▸</button>`}
      ${o&&!u&&B`<button class="dl-fork-open"
          title="Run again from the step the slider shows, as a new run (edit the state first)"
          onClick=${()=>t.send({type:"fork-editor",open:!0})}>↪ Run from here…</button>
        <span class="dl-fork-note" title=${o.note||""}>${o.note}</span>`}
      ${u&&B`<button class="dl-fork-run" title="Start the fork with the edited state"
          onClick=${()=>c("fork",o.fields)}>↪ Run fork</button>
        <button class="dl-fork-cancel" onClick=${()=>t.send({type:"fork-editor",open:!1})}>Cancel</button>
        <span class="dl-fork-note" title=${o.note||""}>${o.note}</span>`}
      ${d&&B`<label class="dl-runs-label">run
        <select class="dl-runs" disabled=${!d.enabled} value=${String(d.value??-1)}
          onChange=${f=>t.send({type:"show-run",index:+f.currentTarget.value})}>
          ${d.options.map(f=>B`<option value=${String(f.value)}>${f.label}</option>`)}
        </select></label>`}
      ${s.diff&&B`<span class="dl-diff-note" data-changed=${s.diff.changed.length?"true":"false"}>${s.diff.text}</span>`}
      <${Es} model=${t} list=${Ps(e,n)} enabled=${!!s.can_break} />
    </div>
    ${a&&B`<${ln} title=${"State at the pause: edit a value (JSON), then Continue or Step"}
      fields=${a.fields} edits=${l} setEdits=${i} error=${s.error} next=${a.next} />`}
    ${u&&B`<${ln} title=${"State to run from: edit a value (JSON), then Run fork"}
      fields=${o.fields||[]} edits=${l} setEdits=${i} error=${s.error} next=${o.next} />`}
    ${!a&&!u&&s.error&&B`<div class="dl-edit-error" role="alert">${s.error.message}</div>`}
  </div>`}var Os="http://www.w3.org/2000/svg",cn=["before","after"],st={changed:["≠","output differs from the parent run's"],same:["=","same output as the parent run"],added:["+","ran only in this fork"],removed:["−","ran in the parent run after the branch, not in this fork"]};function Q(t,e){let n=document.createElementNS(Os,t);for(let[s,a]of Object.entries(e))n.setAttribute(s,String(a));return n}function dn(t,e){let n=t.querySelector(":scope > title");n||(n=Q("title",{}),t.prepend(n)),n.textContent!==e&&(n.textContent=e)}function un(t,e){t.debug=new Map;for(let[n,s]of t.nodes){let a=e(s.group);if(!a)continue;let o={};for(let l of cn){let i=l==="before"?a.y1+1:a.y2-1,d=Q("g",{class:"dl-bp","data-when":l,tabindex:0,role:"button",transform:`translate(${a.x1+1} ${i})`});d.append(Q("circle",{class:"dl-bp-hit",r:9}),Q("circle",{class:"dl-bp-dot",r:5})),s.group.appendChild(d),o[l]=d}let r=Q("g",{class:"dl-diff",transform:`translate(${a.x2} ${(a.y1+a.y2)/2})`});r.append(Q("rect",{x:-9,y:-8,width:18,height:16,rx:4,ry:4}),Q("text",{x:0,y:4,"text-anchor":"middle","font-size":12})),r.style.display="none",s.group.appendChild(r),t.debug.set(n,{pins:o,badge:r})}}function Ne(t,e,n,s){if(!t.debug)return;let a=e.paused||null,o=e.diff||{},r=new Set(e.inherited||[]);for(let[l,{pins:i,badge:d}]of t.debug){let c=t.nodes.get(l).group;for(let f of cn){let p=(n&&n[f]||[]).includes(l),g=i[f];p?g.setAttribute("data-on","true"):g.removeAttribute("data-on"),g.style.display=s||p?"":"none",dn(g,`${p?"Breakpoint: pause":"Click to pause"} ${f} '${l}'${p?" (click to clear)":""}`)}r.has(l)?c.setAttribute("data-inherited","true"):c.removeAttribute("data-inherited"),a&&a.node===l?c.setAttribute("data-paused",String(a.when)):c.removeAttribute("data-paused");let u=Object.hasOwn(o,l)&&Object.hasOwn(st,o[l])?o[l]:null;u?(c.setAttribute("data-diff",u),d.querySelector("text").textContent=st[u][0],dn(d,st[u][1]),d.style.display=""):(c.removeAttribute("data-diff"),d.style.display="none")}}function pn(t,e){let n=t.target.closest?.("g.dl-bp[data-when]"),s=n&&n.closest("g.node[data-node]");return!s||!e.contains(s)?null:{node:s.getAttribute("data-node"),when:n.getAttribute("data-when")}}var je=N.bind(P);function fn(t,e){ce(t.nodeGroups(),t.notes.progress,e,{cls:"dl-progress",attr:"data-progress",place:n=>{let s=G(n);return s&&{x:(s.x1+s.x2)/2-5,y:s.y2+10,anchor:"end"}},show:n=>({value:n.text,label:`${n.text} done`,hint:String(n.hint??"")})})}function $n(t,e){ce(t.edges,t.notes.sends,e,{cls:"dl-sends",attr:"data-sends",place:n=>{let s=G({children:[...n.children].filter(a=>a.localName==="polygon")});return s&&{x:s.x2+4,y:s.y1,anchor:"start"}},show:(n,s)=>{let a=`${s.getAttribute("data-source")??""} → ${s.getAttribute("data-target")??""}`;return{value:n,label:`Send ×${n}`,hint:`${a}: ${n} instance${n===1?"":"s"} started by the router's latest Send map`}}})}function hn({rows:t,onSelect:e}){return je`<ul class="dl-instances">
    ${t.map(n=>je`<li><button class="dl-instance" data-visit=${n.visit} data-status=${n.status}
      data-selected=${n.selected?"true":void 0} title=${n.failure||n.status}
      onClick=${()=>e(n.visit)}>
      <span class="dl-instance-label">${n.label}</span>${" "}<span class="dl-instance-status">${n.status}</span>
      ${n.duration&&je`${" "}<span class="dl-instance-time">${n.duration}</span>`}
      ${n.failure&&je`${" "}<span class="dl-instance-failure">${n.failure}</span>`}
    </button></li>`)}
  </ul>`}var se=N.bind(P),Ns=8,_n=3;function bn(t,e,n,s){let a=s-n;return a<=0?{left:"0%",width:"100%"}:{left:`min(${100*(t-n)/a}%, calc(100% - ${_n}px))`,width:`${100*(e-t)/a}%`,minWidth:`${_n}px`}}function js({call:t,bar:e}){let n=bn(t.start,t.end,e.start,e.end);return se`<span class="dl-call" data-attempt=${t.attempt??""} data-outcome=${t.outcome}
    style=${n} title=${t.hint}></span>`}function Bs({bar:t,span:e,selected:n,onSelect:s}){let a=bn(t.start,t.end,e[0],e[1]);return se`<div class="dl-bar" role="button" tabindex="0" data-visit=${t.visit} data-node=${t.node}
    data-task=${t.task||void 0} data-status=${t.status} data-live=${t.live?"true":void 0}
    data-selected=${n?"true":void 0} style=${a} title=${t.hint}
    onClick=${()=>s(t.visit)} onKeyDown=${o=>o.key==="Enter"&&s(t.visit)}>
    ${t.calls.map(o=>se`<${js} call=${o} bar=${t} />`)}
    <span class="dl-bar-label">${t.node}</span>
  </div>`}function mn({model:t,body:e}){let n=e.span||[0,0],s=o=>t.send({type:"select",visit:o}),a=e.bars||[];return se`<div class="dl-waterfall">
    <div class="dl-scope">${e.scope}</div>
    <div class="dl-lanes" style=${{minWidth:`${a.length*Ns}px`}}>
      ${(e.lanes||[]).map((o,r)=>se`<div class="dl-lane" data-lane=${o.lane}>
        <span class="dl-lane-label" title=${o.label}>${o.label}</span>
        <div class="dl-lane-track">
          ${a.filter(l=>l.lane===r).map(l=>se`<${Bs} bar=${l} span=${n}
            selected=${l.visit===e.selected} onSelect=${s} />`)}
        </div>
      </div>`)}
    </div>
    <div class="dl-waterfall-key">
      <span class="dl-call" data-outcome="answer"></span> model call
      <span class="dl-call" data-outcome="rejected"></span> answer rejected (retried)
      <span class="dl-call" data-outcome="cached"></span> cached
    </div>
  </div>`}var at=N.bind(P),Ds=["1","2","5","every"],Ls=3e3;function ue(t,e){return e<=0?0:t[Math.min(e,t.length)-1]}function Rs(t,e){let n={key:"",t:[],steps:[]},s=0,a=!1,o=null,r=null,l=null,i={speed:1,every:null},d=()=>n.t.length,c=()=>e({playing:a,pos:s,ms:ue(n.t,s),total:ue(n.t,d())}),u=()=>{r!==null&&clearTimeout(r),r=null},f=v=>{let $=v-l.wall;if(i.every){let T=Math.min(n.steps.length-1,l.step+Math.floor($/(i.every*1e3))),q=T<0?d():n.steps[T],fe=T+1<n.steps.length?(T+1-l.step)*i.every*1e3-$:null;return{p:Math.max(q,l.p),next:fe}}let _=l.ms+$*i.speed,y=l.p,D=d();for(;y<D;){let T=y+D+1>>1;ue(n.t,T)<=_?y=T:D=T-1}let R=y<d()?(ue(n.t,y+1)-_)/i.speed:null;return{p:y,next:R}},p=v=>{s=v,c();let $=o=Promise.race([t.show(v),new Promise(_=>setTimeout(_,Ls))]);$.then(()=>{o===$&&(o=null,a&&g())})},g=()=>{if(u(),!a)return;let{p:v,next:$}=f(performance.now());if(o===null&&v!==s&&p(v),o===null&&v>=d()){a=!1,c();return}$!==null&&(r=setTimeout(g,Math.max(0,$)))},h=v=>n.steps.findIndex($=>$>v),b={get playing(){return a},get pos(){return s},update(v,$){let _=v||{key:"",t:[],steps:[]};_.key!==n.key&&b.pause(),n=_,!a&&o===null&&Number.isInteger($)&&(s=$)},play(v={}){if(!d())return;(v.speed||v.every)&&(i={speed:v.speed||1,every:v.every||null}),u();let $=s;$>=d()&&($=0,p(0)),l={wall:performance.now(),ms:ue(n.t,$),p:$,step:h($)},a=!0,c(),o===null&&g()},pause(){u(),a&&(a=!1,c())},toggle(v){a?b.pause():b.play(v)},step(v){b.pause();let $=[0,...n.steps],_=s;for(let y=0;y<Math.abs(v);y+=1){let D=v>0?$.find(R=>R>_):$.findLast(R=>R<_);if(D===void 0)break;_=D}_!==s&&p(_)},dispose(){a=!1,u()}};return b}function gn({player:t,state:e,mode:n,setMode:s}){let a=()=>n.speed==="every"?{every:n.every}:{speed:+n.speed},o=l=>(l/1e3).toFixed(1),r=l=>l.preventDefault();return at`<span class="dl-player" data-playing=${e.playing?"true":"false"} data-pos=${e.pos}>
    <button class="dl-step-back" onMouseDown=${r} title="Back one graph step (←)" aria-label="back one step"
      onClick=${()=>t.step(-1)}>◀▮</button>
    <button class="dl-play" onMouseDown=${r} title=${e.playing?"Pause (space)":"Play the run as it happened (space)"}
      aria-label=${e.playing?"pause":"play"} onClick=${()=>t.toggle(a())}>${e.playing?"⏸":"▶"}</button>
    <button class="dl-step-fwd" onMouseDown=${r} title="Forward one graph step (→)" aria-label="forward one step"
      onClick=${()=>t.step(1)}>▮▶</button>
    <select class="dl-speed" title="Speed: real time, faster, or one graph step every N seconds" value=${n.speed}
      onChange=${l=>{let i={...n,speed:l.currentTarget.value};s(i),t.playing&&t.play(i.speed==="every"?{every:i.every}:{speed:+i.speed})}}>
      ${!Ds.includes(n.speed)&&at`<option value=${n.speed}>${n.speed}x</option>`}
      <option value="1">1x</option><option value="2">2x</option><option value="5">5x</option>
      <option value="every">step / N s</option>
    </select>
    ${n.speed==="every"&&at`<input class="dl-every" type="number" min="0.1" step="0.5" value=${n.every}
      title="seconds per graph step" aria-label="seconds per graph step"
      onChange=${l=>{let i=Math.max(.1,+l.currentTarget.value||1);s({...n,every:i}),t.playing&&t.play({every:i})}} />`}
    <span class="dl-play-time">${o(e.ms)} / ${o(e.total)} s</span>
  </span>`}function vn(t,e,n){let s=I(null),[a,o]=C({playing:!1,pos:0,ms:0,total:0}),[r,l]=C({speed:"1",every:2}),i=I(null);i.current===null&&(i.current=Rs({show:u=>new Promise(f=>{s.current&&s.current.resolve(),s.current={p:u,resolve:f},t.send({type:"seek",step:u})})},o));let d=i.current,c=e?e.value:null;return te(()=>d.update(e?n:null,c),[e,n]),L(()=>{let u=s.current;u&&u.p===c&&(s.current=null,u.resolve())},[c]),L(()=>{e||d.pause()},[!!e]),L(()=>{let u=f=>{if(!(!f||f.type!=="player"))if(f.do==="play"){let p=typeof f.every=="number"?f.every:null,g=typeof f.speed=="number"?f.speed:1;l(p?{speed:"every",every:p}:h=>({...h,speed:String(g)})),d.play(p?{every:p}:{speed:g})}else f.do==="pause"?d.pause():f.do==="step"&&d.step(f.by||1)};return t.on("msg:custom",u),()=>{t.off("msg:custom",u),d.dispose()}},[t]),{player:d,state:a,mode:r,setMode:l}}function yn(t,e,n){if(n.defaultPrevented||n.altKey||n.ctrlKey||n.metaKey)return;let s=n.target;if(s&&s.closest&&s.closest("textarea, select, input:not(.dl-replay), [contenteditable], button:not(.dl-player button)"))return;let a=e.speed==="every"?{every:e.every}:{speed:+e.speed};if(n.key===" ")t.toggle(a);else if(n.key==="ArrowLeft")t.step(-1);else if(n.key==="ArrowRight")t.step(1);else return;n.preventDefault()}var m=N.bind(P),Is=new Set(["finished","failed","cancelled"]);function z(t,e){let[n,s]=C(()=>t.get(e));return L(()=>{let a=()=>s(t.get(e));return t.on(`change:${e}`,a),a(),()=>t.off(`change:${e}`,a)},[t,e]),n}var Fs=[["paused","paused here"],["breakpoint","breakpoint (click a ◌ to set)"],["inherited","ran before the fork"],["diff","output ≠ parent run"]];function zs({debug:t,joins:e,sends:n}){return m`<div class="dl-legend" aria-label="legend">
    ${et.map(s=>m`<span class="dl-key" data-status=${s}><span class="dl-swatch"></span>${s}</span>`)}
    <span class="dl-key" data-path="true"><span class="dl-line"></span>path taken</span>
    <span class="dl-key" data-mark="taken"><span class="dl-line"></span>last edge</span>
    ${e&&m`<span class="dl-key" data-mark="join"><span class="dl-swatch"></span>join (waits for all)</span>`}
    ${n&&m`<span class="dl-key" data-mark="send"><span class="dl-line"></span>Send map (×instances)</span>`}
    ${t&&Fs.map(([s,a])=>m`<span class="dl-key" data-mark=${s}><span
      class="dl-swatch" aria-hidden="true">${s==="diff"?"≠":""}</span>${a}</span>`)}
  </div>`}function qs({svg:t,stalled:e}){if(!t)return null;let n=`data:image/svg+xml;charset=utf-8,${encodeURIComponent(t)}`;return m`<div class="dl-still">
    <img class="dl-still-img" alt="the graph (static picture)" src=${n} />
    ${e&&m`<div class="dl-still-note">static picture: no kernel</div>`}
  </div>`}var it=new WeakMap,Us=40,Hs=600;function Gs(t){let e=[],n=()=>{let s=(t.get("_picture")||{}).status;if(!s)return;let a=e[e.length-1];a&&JSON.stringify(a)===JSON.stringify(s)||(e.push(s),e.length>Us&&e.splice(1,1))};n(),t.on("change:_picture",n),it.set(t,{seen:e,stop:()=>t.off("change:_picture",n)})}function Ws(t){let e=it.get(t);return e?(e.stop(),it.delete(t),e.seen.length>1?e.seen:[]):[]}async function Js(t,e,n,s){if(!e.length)return;let a=Hs/e.length;for(let o of e){if(!s())return;t.apply({...n.current,status:o}),await new Promise(r=>setTimeout(r,a))}}function ot(t,e){an(t,e.calls),fn(t,e.progress),$n(t,e.sends)}function ae({model:t,layout:e,picture:n,debug:s,legend:a}){let o=I(null),r=I(null),l=I(n),i=I(n.run_state),[d,c]=C(""),[u,f]=C(!1),[p,g]=C(!1),h=z(t,"_still")||"";l.current=n;let b=I(s);b.current=s,L(()=>{let _=setTimeout(()=>g(Nt()),Ze);return()=>clearTimeout(_)},[]),L(()=>{let _=!0;if(r.current=null,!!e.dot)return(async()=>{try{let y=await Qe(t),D=getComputedStyle(o.current).fontFamily,R=await Gt(y,e.dot,D);if(!_)return;let T=new Pe(R,e),q=Ws(t);if(T.apply(q.length?{...l.current,status:q[0]}:l.current),b.current&&(un(T,G),Ne(T,l.current,b.current.breakpoints,b.current.enabled)),o.current.replaceChildren(R),ot(T,l.current),f(!0),c(""),await Js(T,q,l,()=>_),!_)return;T.apply(l.current),b.current&&Ne(T,l.current,b.current.breakpoints,b.current.enabled),ot(T,l.current),r.current=T,requestAnimationFrame(()=>Ce(t,R))}catch(y){_&&c(`Could not lay out the graph: ${y&&y.message?y.message:y}`)}})(),()=>{_=!1}},[e.dot]),L(()=>{let _=r.current;if(!_)return;_.apply(n),ot(_,n);let y=n.run_state;y!==i.current&&Is.has(y)&&requestAnimationFrame(()=>Ce(t,_.svg)),i.current=y},[n]),L(()=>{r.current&&s&&Ne(r.current,n,s.breakpoints,s.enabled)},[n,s&&s.breakpoints,s&&s.enabled]);let v=_=>{let y=s&&s.enabled?pn(_,o.current):null;if(y){if(_.type==="keydown"&&_.key!=="Enter"&&_.key!==" ")return;_.preventDefault(),t.send({type:"breakpoint",node:y.node,when:y.when});return}let D=_.target.closest?.("g.node[data-node]");if(!D||!o.current.contains(D)||_.type==="keydown"&&_.key!=="Enter"&&_.key!==" ")return;_.preventDefault();let R=D.getAttribute("data-node");t.send({type:"select",node:n.selected===R?"":R})},$=n.run_state||"idle";return m`<div class="dspyer-graphview" data-run-state=${$}>
    <div class="dl-caption">${$==="idle"?"":$}</div>
    ${!u&&m`<${qs} svg=${h} stalled=${p} />`}
    <div class="dl-stage" ref=${o} onClick=${v} onKeyDown=${v}></div>
    ${d&&m`<pre class="dl-error">${d}</pre>`}
    ${a||m`<${zs} debug=${!!s} joins=${Object.keys(e.joins||{}).length>0}
      sends=${Object.keys(n.sends||{}).length>0} />`}
  </div>`}function Ks({model:t}){let e=z(t,"_layout")||{},n=z(t,"_picture")||{};return m`<${ae} model=${t} layout=${e} picture=${n} />`}function Vs(t){let[e,n]=C({});return L(()=>{let a=o=>{!o||o.type!=="full-text"||typeof o.handle!="string"||n(r=>({...r,[o.handle]:String(o.text??"")}))};return t.on("msg:custom",a),()=>t.off("msg:custom",a)},[t]),{texts:e,ask:a=>{Object.hasOwn(e,a)||t.send({type:"full-text",handle:a})}}}function Le({cell:t,full:e}){if(typeof t=="string"||t===null||t===void 0)return String(t??"");let n=e.texts[t.full];return n!==void 0?n:m`<span class="dl-clipped">${t.text}<button class="dl-more" title="show the full value"
    onClick=${()=>e.ask(t.full)}>show all</button></span>`}function Xs({block:t,full:e}){let[n,s]=C(!1);L(()=>{n&&e.ask(t.full)},[n,t.full]);let a=e.texts[t.full];return m`<details class="dl-fold" open=${n} onToggle=${o=>s(o.currentTarget.open)}>
    <summary>${t.fold}</summary>
    <pre class="dl-pre">${n?a??"loading…":""}</pre>
  </details>`}function Ys({table:t,full:e}){let n=new Set(t.changed||[]);return m`<div class="dl-scroll"><table class="dl-table">
    <thead><tr>${t.head.map(s=>m`<th>${s}</th>`)}</tr></thead>
    <tbody>${t.rows.map((s,a)=>m`<tr class=${n.has(a)?"dl-changed":""}>
      ${s.map((o,r)=>r===0?m`<th scope="row">${o}</th>`:m`<td><${Le} cell=${o} full=${e} /></td>`)}
    </tr>`)}</tbody>
  </table></div>`}function Be({blocks:t,full:e,onSelect:n}){return(t||[]).map(s=>s.facts?m`<div class="dl-facts"><b>${s.facts[0]}</b>${s.facts.slice(1).map(a=>` · ${a}`)}</div>`:s.title!==void 0?m`<div class="dl-title">${s.title}</div>`:s.note!==void 0?m`<div class="dl-note">${s.note}</div>`:s.pre!==void 0?m`<pre class="dl-pre"><${Le} cell=${s.pre} full=${e} /></pre>`:s.table?m`<${Ys} table=${s.table} full=${e} />`:s.fold!==void 0?m`<${Xs} block=${s} full=${e} />`:s.message?m`<${tn} message=${s.message} full=${e} Cell=${Le} />`:s.stream?m`<${nn} stream=${s.stream} />`:s.instances&&n?m`<${hn} rows=${s.instances} onSelect=${n} />`:null)}function lt({label:t,picker:e,onPick:n}){if(!e)return null;let s=e.options.findIndex(a=>JSON.stringify(a.value)===JSON.stringify(e.value));return m`<label class="dl-pick">${t}
    <select class="dl-picker" value=${String(s)}
      onChange=${a=>n(e.options[+a.currentTarget.value].value)}>
      ${s<0&&m`<option value="-1">—</option>`}
      ${e.options.map((a,o)=>m`<option value=${String(o)}>${a.label}</option>`)}
    </select></label>`}function Zs({model:t,toolbar:e,play:n,presenter:s}){let a=e||{},o=a.stop||{},r=a.replay,l=!o.enabled&&a.run_state==="running"&&o.hint,i=z(t,"_store_note")||"",d=n.state.playing;return m`<div class="dl-toolbar">
    <div class="dl-toolbar-line">
      ${o.shown&&m`<button class="dl-stop" disabled=${!o.enabled} title=${o.hint||""}
        onClick=${()=>t.send({type:"stop"})}>■ Stop</button>`}
      <span class="dl-status" title=${[a.status,i].filter(Boolean).join(`
`)}
        data-stored=${i||void 0}>${a.status||""}</span>
      ${l&&m`<span class="dl-stop-hint" title=${o.hint}>${o.hint}</span>`}
      <button class="dl-presenter-toggle" aria-pressed=${s?"true":"false"}
        title="Presenter mode: the graph large and the current node's essentials in large type, for a projector"
        onClick=${()=>t.send({type:"presenter-mode",on:!s})}>${s?"✕ Presenter":"Presenter"}</button>
    </div>
    <div class="dl-toolbar-line dl-calls-line"><${sn} text=${a.calls} /></div>
    <div class="dl-toolbar-line dl-replay-line">
      ${r&&m`<${gn} player=${n.player} state=${n.state} mode=${n.mode}
          setMode=${n.setMode} />
        <label class="dl-replay-label">replay
        <input class="dl-replay" type="range" min="0" max=${r.max} value=${d?n.state.pos:r.value}
          onInput=${c=>{n.player.pause(),t.send({type:"seek",step:+c.currentTarget.value})}} /></label>
        <span class="dl-replay-note" title=${r.note||""}>${r.note}</span>`}
    </div>
  </div>`}function Qs({info:t}){return m`<div class="dl-essentials" data-node=${t.node||void 0} data-status=${t.status||void 0}>
    ${t.node?m`<div class="dl-ess-head"><span class="dl-ess-node">${t.node}</span>
      <span class="dl-ess-facts">${t.facts}</span></div>`:m`<div class="dl-ess-note">${t.note}</div>`}
    ${t.read&&t.read.length>0&&m`<section class="dl-ess-read"><div class="dl-ess-title">It read</div>
      ${t.read.map(([e,n])=>m`<div class="dl-ess-field"><span class="dl-ess-key">${e}</span>${" "}<span
        class="dl-ess-value">${n}</span></div>`)}</section>`}
    ${t.said&&m`<section class="dl-ess-said"><div class="dl-ess-title">${t.said.title}</div>
      <pre class="dl-ess-text">${t.said.text}</pre></section>`}
    ${t.rejected&&t.rejected.length>0&&m`<section class="dl-ess-rejected">
      <div class="dl-ess-title">Rejected</div>
      ${t.rejected.map(e=>m`<div class="dl-ess-reject"><b>${e.attempt}</b> · ${e.fields} · ${e.retry}
        <pre class="dl-ess-text">${e.text}</pre></div>`)}</section>`}
  </div>`}function ea({model:t,timeline:e}){if(!e||!e.rows)return null;let n=a=>t.send({type:"page",offset:a}),s=e.rows.length||1;return m`<div class="dl-timeline">
    <div class="dl-pager">
      <button class="dl-older" disabled=${!e.older} onClick=${()=>n(e.offset+s)}>◀ older</button>
      <button class="dl-newer" disabled=${!e.newer} onClick=${()=>n(Math.max(0,e.offset-s))}>newer ▶</button>
      <button class="dl-newest" disabled=${!e.newer} onClick=${()=>n(0)}>newest</button>
      <span class="dl-position" title=${e.position}>${e.position}</span>
    </div>
    <div class="dl-rows" role="listbox">
      ${e.rows.map(a=>m`<div class="dl-row" role="option" tabindex="0" data-index=${a.i} data-kind=${a.kind}
        data-mine=${a.mine?"true":void 0} title=${`${a.t}  ${a.node}  ${a.kind}  ${a.text}`}
        onClick=${()=>t.send({type:"select",event:a.i})}
        onKeyDown=${o=>o.key==="Enter"&&t.send({type:"select",event:a.i})}>
        <span class="dl-when">${a.t}</span>${" "}<span class="dl-node">${a.node}</span>${" "}<span
          class="dl-kind">${a.kind}</span>${" "}<span class="dl-text">${a.text}</span>
      </div>`)}
    </div>
  </div>`}var ta=["node","calls","validation","result","error","waterfall"];function De(t){return t?JSON.parse(t):{}}function na(t){return t&&typeof t.id=="string"?{[t.id]:t}:{}}function sa(t){let e=t.get("_head")!==void 0,n=z(t,e?"_head":"_panel"),s=z(t,e?"_timeline":"_panel"),a=z(t,e?"_tab":"_panel"),o=A(()=>e?null:De(n),[e,n]),r=A(()=>o?o.head||{}:De(n),[o,n]),l=A(()=>o?o.timeline:De(s),[o,s]),i=A(()=>na(o?o.tab:De(a)),[o,a]),d=I({});return d.current={...d.current,...i},{head:r,timeline:l,bodies:d.current}}var rt=new WeakMap;function aa({model:t,head:e,bodies:n,full:s}){let a=e.focus||{},[o,r]=C(()=>{let c=rt.get(t);return c&&c.n===a.n?c.tab:a.tab||"node"}),l=(c,u)=>{rt.set(t,{tab:c,n:a.n}),r(c),u&&t.send({type:"tab",tab:c})};te(()=>{let c=rt.get(t);c&&c.n===a.n||l(a.tab||o,!1)},[a.n]);let i=n[o],d=(c,u)=>u?c==="node"?m`<${lt} label="visit" picker=${u.visits}
        onPick=${f=>t.send({type:"select",visit:f})} />
      <${Be} blocks=${u.blocks} full=${s} onSelect=${f=>t.send({type:"select",visit:f})} />`:c==="calls"?m`<div class="dl-scope">${u.scope}</div>
      <${lt} label="call" picker=${u.calls} onPick=${f=>t.send({type:"call",index:f})} />
      <${on} model=${t} pg=${e.debug&&e.debug.playground} Cell=${Le} full=${s} />
      <${Be} blocks=${u.blocks} full=${s} />`:c==="validation"?m`<div class="dl-scope">${u.scope}</div>
      <${lt} label="attempt" picker=${u.attempts}
        onPick=${f=>t.send({type:"attempt",key:f})} />
      <${Be} blocks=${u.blocks} full=${s} />`:c==="waterfall"?m`<${mn} model=${t} body=${u} />`:m`<${Be} blocks=${u.blocks} full=${s} />`:m`<div class="dl-note">loading…</div>`;return m`<div class="dl-side">
    <div class="dl-tabs" role="tablist">
      ${(e.tabs||[]).map(c=>m`<button class="dl-tab" role="tab" data-tab=${c.id}
        data-alert=${c.alert?"true":void 0} aria-selected=${c.id===o?"true":"false"}
        onClick=${()=>l(c.id,!0)}>${c.title}</button>`)}
    </div>
    <div class="dl-panel" role="tabpanel" data-tab=${o}>${ta.includes(o)?d(o,i):null}</div>
  </div>`}function pe({model:t}){let e=z(t,"_layout")||{},n=z(t,"_picture")||{},{head:s,timeline:a,bodies:o}=sa(t),r=Vs(t),l=z(t,"breakpoints"),i=A(()=>({breakpoints:l,enabled:!!(s.debug&&s.debug.can_break)}),[l,s.debug&&s.debug.can_break]),d=s.toolbar&&s.toolbar.run_state||n.run_state||"idle",c=z(t,"_play"),u=A(()=>s.play||(c?JSON.parse(c):null),[s.play,c]),f=vn(t,s.toolbar&&s.toolbar.replay,u),p=s.presenter;return m`<div class="dspyer-lab" data-run-state=${d} data-presenter=${p?"true":void 0}
      data-playing=${f.state.playing?"true":void 0} tabindex="0" data-lm-suppress-shortcuts="true"
      onKeyDown=${g=>s.toolbar&&s.toolbar.replay&&yn(f.player,f.mode,g)}>
    <${Zs} model=${t} toolbar=${s.toolbar} play=${f} presenter=${!!p} />
    <${rn} model=${t} debug=${s.debug} breakpoints=${l} />
    <div class="dl-body">
      <div class="dl-main">
        <${ae} model=${t} layout=${e} picture=${n} debug=${i} />
        <${ea} model=${t} timeline=${a} />
      </div>
      ${p&&m`<${Qs} info=${p} />`}
      <${aa} model=${t} head=${s} bodies=${o} full=${r} />
    </div>
  </div>`}function oa({model:t}){Qe(t).catch(()=>{}),Gs(t)}function la({model:t}){return m`<${Dt} model=${t} views=${{GraphPane:ae,Lab:pe}} useTrait=${z} />`}function ra({model:t}){return m`<${Zt} model=${t} views=${{GraphPane:ae,Lab:pe}} useTrait=${z} />`}function ia({model:t}){return m`<${zt} model=${t} views=${{GraphPane:ae,Lab:pe}} useTrait=${z} />`}function da({model:t}){return m`<${Jt} model=${t} views=${{GraphPane:ae,Lab:pe}} useTrait=${z} />`}function ca({model:t,el:e}){let n={lab:pe,batch:la,runs:ra,compare:ia,optimize:da}[t.get("_kind")]||Ks;return We(m`<${n} model=${t} />`,e),()=>We(null,e)}var kn={initialize:oa,render:ca};var ua=Symbol.for("dspyer-lab.viz"),pa=Symbol.for("dspyer-lab.viz.pending"),xn=["node","calls","validation","result","error"];function fa(t,e,n){e==="__proto__"?Object.defineProperty(t,e,{value:n,enumerable:!0,writable:!0,configurable:!0}):t[e]=n}function $a(t){let e=new Map,n=s=>{if(s>=0)return t.scalars[s];if(e.has(s))return e.get(s);let a=t.nodes[-s-1],o;if(a[0]===1){o={};for(let r=1;r<a.length;r+=2)fa(o,a[r],n(a[r+1]))}else if(a[0]===2){o=[];for(let r=1;r<a.length;r+=1)o.push(...n(a[r]))}else o=a.slice(1).map(n);return e.set(s,o),o};return n}function ha(t){let e=$a(t),n=new Map,s=(h,...b)=>(n.get(h)||[]).slice().forEach(v=>v(...b)),a=t.frames.length-1,o=null,r="node",l=!1,i=-1,d={_kind:"lab",_layout:t.layout,_play:JSON.stringify(t.play),_still:"",_store_note:"",breakpoints:{before:[],after:[]}},c=()=>JSON.stringify({...o.head,presenter:l?o.essentials:null}),u=()=>JSON.stringify({id:r,...o.tabs[r]||{}}),f=h=>{Object.assign(d,h);for(let b of Object.keys(h))s(`change:${b}`)},p=h=>{o=e(t.frames[Math.max(0,Math.min(a,h))]);let b=o.head.focus;b&&xn.includes(b.tab)&&b.n!==i&&(i=b.n,r=b.tab),f({_picture:o.picture,_head:c(),_timeline:JSON.stringify(o.timeline),_tab:u()})},g={get:h=>d[h],on(h,b){n.set(h,[...n.get(h)||[],b])},off(h,b){n.set(h,(n.get(h)||[]).filter(v=>v!==b))},send(h){if(!(!h||typeof h!="object")){if(h.type==="seek"&&Number.isInteger(h.step))p(h.step);else if(h.type==="tab"&&xn.includes(h.tab))r=h.tab,f({_tab:u()});else if(h.type==="presenter-mode")l=!!h.on,f({_head:c()});else if(h.type==="full-text"&&typeof h.handle=="string"){let b=/^x\d+$/.test(h.handle)?+h.handle.slice(1):-1,v=b>=0&&b<t.texts.length?t.texts[b]:"";queueMicrotask(()=>s("msg:custom",{type:"full-text",handle:h.handle,text:v}))}}}};return p(a),g}function _a(t){let n={renderJSON:()=>({}),renderSVGElement:()=>{let a=new DOMParser().parseFromString(t,"image/svg+xml");return document.importNode(a.documentElement,!0)}},s=Promise.resolve(n);globalThis[ua]=s,globalThis[pa]={promise:s,settled:!0,asked:new WeakSet,askedAt:Date.now()}}function ba(t){let e=()=>t.querySelector(".dl-stage svg")?(document.documentElement.setAttribute("data-first-frame",performance.now().toFixed(1)),!0):!1,n=new MutationObserver(()=>e()&&n.disconnect());n.observe(t,{childList:!0,subtree:!0})}async function ma(t){let e=JSON.parse(t.textContent);if(e.encoding!=="gzip+base64")throw new Error(`unknown encoding ${e.encoding}`);let n=Uint8Array.from(atob(e.data),a=>a.charCodeAt(0)),s=new Blob([n]).stream().pipeThrough(new DecompressionStream("gzip"));return JSON.parse(await new Response(s).text())}async function ga(){let t=document.getElementById("dl-export-data"),e=document.getElementById("dl-export");if(!t||!e)return;let n=await ma(t);if(!n.runs.length)return;let s=document.createElement("div"),a=null,o=d=>{a&&a();let c=n.runs[d];_a(c.svg),e.setAttribute("data-run",String(d)),ba(s),a=kn.render({model:ha(c),el:s}),requestAnimationFrame(()=>s.querySelector(".dspyer-lab")?.focus({preventScroll:!0}))},r=[];if(n.runs.length>1){let d=document.createElement("label");d.className="dl-export-pick",d.append("example ");let c=document.createElement("select");c.className="dl-export-run",n.labels.forEach((u,f)=>c.append(new Option(u,String(f)))),c.addEventListener("change",()=>o(+c.value)),d.append(c),r.push(d)}let l=e.querySelector(".dl-export-still"),i=l&&n.runs.length>1&&e.getAttribute("data-still")==="keep"?[l]:[];e.replaceChildren(...i,...r,s),o(0)}ga().catch(t=>{let e=document.querySelector(".dl-export-note");e&&(e.textContent=`This replay could not start (${t&&t.message?t.message:t}): the final picture shows.`)});
